# mutant.cmake - the one mechanism that makes a defective copy of
# harness/src: ancdata_defect_source() copies harness/src and replaces one
# piece of code, stopping the configure if that code no longer exists (so
# the defects cannot rot silently).  defects.cmake's ancdata_defect() builds
# a library and fuzz targets from such a copy; fuzz/mutants/NAME.mutant
# files hold more replacements, read by ancdata_read_mutant(), and built
# either as defect variants (ANCDATA_MUTANTS, for ci/mutants' fuzzing) or
# as the library of a whole build (ANCDATA_MUTANT=NAME, for its CTest run).
#
# A .mutant file:
#   description: one line, the bug it models
#   equivalent: why it cannot change behaviour on Linux (only if it cannot)
#   file: the file of harness/src it changes
#   --- old
#   the exact text replaced (whole lines, once in the file)
#   --- new
#   its replacement
include_guard(GLOBAL)

# copies harness/src into dir with old replaced by new in file; unique: the
# old text must occur exactly once (the mutants ask for it)
function(ancdata_defect_source name file old new dir)
  cmake_parse_arguments(PARSE_ARGV 5 arg "UNIQUE" "" "")
  file(COPY ${PROJECT_SOURCE_DIR}/harness/src/ DESTINATION ${dir})
  file(READ ${PROJECT_SOURCE_DIR}/harness/src/${file} text)
  string(FIND "${text}" "${old}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "defect ${name}: ${file} no longer has the code it breaks; update fuzz/defects.cmake or fuzz/mutants/${name}.mutant")
  endif()
  string(FIND "${text}" "${old}" last REVERSE)
  if(arg_UNIQUE AND NOT last EQUAL at)
    message(FATAL_ERROR "mutant ${name}: the text it replaces occurs more than once in ${file}")
  endif()
  string(REPLACE "${old}" "${new}" text "${text}")
  # rewritten only when it changes, so a reconfigure rebuilds nothing
  set(was "")
  if(EXISTS ${dir}/${file}.mutated)
    file(READ ${dir}/${file}.mutated was)
  endif()
  if(NOT was STREQUAL text)
    file(WRITE ${dir}/${file}.mutated "${text}")
  endif()
  file(COPY_FILE ${dir}/${file}.mutated ${dir}/${file} ONLY_IF_DIFFERENT)
endfunction()

# reads fuzz/mutants/NAME.mutant into MUTANT_FILE, MUTANT_OLD, MUTANT_NEW
function(ancdata_read_mutant name)
  set(path ${PROJECT_SOURCE_DIR}/fuzz/mutants/${name}.mutant)
  if(NOT EXISTS ${path})
    message(FATAL_ERROR "mutant ${name}: no file fuzz/mutants/${name}.mutant")
  endif()
  file(READ ${path} text)
  string(REGEX MATCH "(^|\n)file: ([a-z_]+\\.c)\n" m "${text}")
  set(f ${CMAKE_MATCH_2})
  string(FIND "${text}" "\n--- old\n" o)
  string(FIND "${text}" "\n--- new\n" n)
  string(LENGTH "${text}" end)
  if(NOT f OR o EQUAL -1 OR n EQUAL -1 OR n LESS o)
    message(FATAL_ERROR "mutant ${name}: fuzz/mutants/${name}.mutant needs file:, --- old and --- new")
  endif()
  math(EXPR os "${o} + 9")
  math(EXPR ol "${n} - ${os}")
  math(EXPR ns "${n} + 9")
  math(EXPR nl "${end} - ${ns} - 1")   # the file's last newline is not the text's
  string(SUBSTRING "${text}" ${os} ${ol} old)
  string(SUBSTRING "${text}" ${ns} ${nl} new)
  set(MUTANT_FILE ${f} PARENT_SCOPE)
  set(MUTANT_OLD "${old}" PARENT_SCOPE)
  set(MUTANT_NEW "${new}" PARENT_SCOPE)
endfunction()

# the names of all fuzz/mutants/*.mutant, or those of a list
function(ancdata_mutant_names out spec)
  if(spec STREQUAL "ALL" OR spec STREQUAL "ON")
    file(GLOB paths ${PROJECT_SOURCE_DIR}/fuzz/mutants/*.mutant)
    set(names "")
    foreach(p ${paths})
      get_filename_component(n ${p} NAME_WE)
      list(APPEND names ${n})
    endforeach()
    list(SORT names)
  else()
    string(REPLACE "," ";" names "${spec}")
  endif()
  set(${out} ${names} PARENT_SCOPE)
endfunction()
