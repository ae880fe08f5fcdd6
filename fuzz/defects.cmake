# defects.cmake - test-only variants of libancdata, one deliberate defect
# each, made at configure time from a copy of harness/src with one piece of
# code replaced; the library itself carries none of this.  prove_oracles.sh
# fuzzes each variant briefly with every target and requires each defect to
# be reported.  A replacement whose original text no longer exists stops the
# configure, so the proofs cannot rot silently.  The copy is made by
# mutant.cmake, which also reads the mutants of fuzz/mutants/ (ci/mutants).
include(${CMAKE_CURRENT_LIST_DIR}/mutant.cmake)
set(DEFECTS "")
function(ancdata_defect name file old new)
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/defect_${name})
  ancdata_defect_source(${name} ${file} "${old}" "${new}" ${dir} ${ARGN})
  add_library(ancdata_defect_${name} STATIC ${dir}/cmsg.c ${dir}/call.c
    ${dir}/recv.c ${dir}/send.c ${dir}/error.c)
  target_include_directories(ancdata_defect_${name}
    PUBLIC ${PROJECT_SOURCE_DIR}/harness/include PRIVATE ${dir})
  foreach(t ${FUZZ_HARNESS_ONLY})
    # the target's source is compiled once for every variant
    if(NOT TARGET defect_obj_${t})
      add_library(defect_obj_${t} OBJECT ${CMAKE_CURRENT_SOURCE_DIR}/${t}.c)
      target_include_directories(defect_obj_${t} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
      target_link_libraries(defect_obj_${t} PRIVATE ancdata_static ancdata_scenario)
    endif()
    fuzz_target(${t}_defect_${name} $<TARGET_OBJECTS:defect_obj_${t}> ancdata_defect_${name})
    target_link_options(${t}_defect_${name} PRIVATE ${ANCDATA_FUZZ_LINK})
  endforeach()
  set(DEFECTS ${DEFECTS} ${name} PARENT_SCOPE)
endfunction()

# ANCDATA_MUTANTS=ALL or NAME,...: the mutants of fuzz/mutants/ as defect
# variants instead of the planted defects below (ci/mutants' fuzz builds)
set(ANCDATA_MUTANTS "" CACHE STRING "fuzz/mutants/ to build as defect variants: ALL or NAME,...")
if(ANCDATA_MUTANTS)
  ancdata_mutant_names(mutants "${ANCDATA_MUTANTS}")
  foreach(m ${mutants})
    ancdata_read_mutant(${m})
    ancdata_defect(${m} ${MUTANT_FILE} "${MUTANT_OLD}" "${MUTANT_NEW}" UNIQUE)
  endforeach()
  return()
endif()

# 1. an fd of a truncated receive is neither returned nor closed
ancdata_defect(leak_on_truncation recv.c
"	return ancdata__parse_sink(msg->msg_control, res->controllen, sink,
				   opts);"
"	if ((msg->msg_flags & MSG_CTRUNC) && res->controllen >= CMSG_LEN(4)) {
		struct cmsghdr h;
		memcpy(&h, msg->msg_control, sizeof h);
		if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SCM_RIGHTS &&
		    h.cmsg_len >= CMSG_LEN(4)) {
			h.cmsg_len -= 4;
			memcpy(msg->msg_control, &h, sizeof h);
		}
	}
	return ancdata__parse_sink(msg->msg_control, res->controllen, sink,
				   opts);")
# 2. cmsg_len trusted past the end of the buffer
ancdata_defect(trust_cmsg_len cmsg.c
"	if (space >= len - HDR) {"
"	if (1) {")
# 3. err_closefds stops after the first header
ancdata_defect(close_stops_early cmsg.c
"		if (st != ANCDATA_CMSG_COMPLETE)
			break;
	} while (ancdata_cmsg_next(ctl, controllen, rule_of(opts), &off) == 0);
	return closed;"
"		break;
	} while (ancdata_cmsg_next(ctl, controllen, rule_of(opts), &off) == 0);
	return closed;")
# 4. the RuntimeWarning never raised
ancdata_defect(drop_warning cmsg.c
"		if (st != ANCDATA_CMSG_COMPLETE && (rc = warn(opts)) < 0)"
"		if (0 && (rc = warn(opts)) < 0)")
# 5. received fds marked close-on-exec when nobody asked
ancdata_defect(cloexec_unasked call.c
": recvmsg(sock, msg, flags);"
": recvmsg(sock, msg, flags | MSG_CMSG_CLOEXEC);")
# 6. EINTR in the wait returned instead of retried (no PEP 475)
ancdata_defect(no_eintr_retry call.c
"		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;"
"		if (n == 0)
			return -ETIMEDOUT;
		return -errno;")
# 7. the control buffer one int too small: a heap-buffer-overflow that only
#    a sanitizer reports (ASan), so the crash file must be libFuzzer's own
ancdata_defect(send_ctl_short send.c
"		} else if ((ctl = malloc(len)) == NULL) {"
"		} else if ((ctl = malloc(len - sizeof(int))) == NULL) {")
# 8. the allocating form's control buffer one int too small: ASan reports
#    the kernel's write in its recvmsg interceptor, inside the receive, where
#    the socketpair target may hold RLIMIT_NOFILE at the fds it received
ancdata_defect(alloc_ctl_short recv.c
"	m->control = ancbufsize > 0 ? malloc((size_t)ancbufsize) : NULL;"
"	m->control = ancbufsize > 0 ? malloc((size_t)ancbufsize -
		(ancbufsize > (ssize_t)sizeof(int) ? sizeof(int) : 0)) : NULL;")
# 9. a truncated message makes the receive spin (a loop waiting for
#    MSG_CTRUNC to clear): a timeout, inside the receive, at the small
#    RLIMIT_NOFILE of corpus/socketpair/regression-crash-file-under-small-rlimit
ancdata_defect(spin_on_ctrunc recv.c
"	res->msg_flags = msg->msg_flags;"
"	res->msg_flags = msg->msg_flags;
	while (*(volatile int *)&msg->msg_flags & MSG_CTRUNC) {
	}")
# 10. EINTR inside the blocked recvmsg returned instead of retried: the
#    socketpair target's helper thread signals the receive while it sleeps
#    in the system call (corpus/socketpair/regression-eintr-inside-recvmsg)
ancdata_defect(recvmsg_eintr_returned call.c
"			if (errno != EINTR)
				break;"
"			if (1)
				break;")
# 11. -ANCDATA_E_NOSPACE when the item array is exactly full (off by one):
#    a spurious failure, with room for every item the kernel gave
ancdata_defect(nospace_off_by_one cmsg.c
"	if (s->count >= is->max)
		return -ANCDATA_E_NOSPACE;"
"	if (s->count + 1 >= is->max)
		return -ANCDATA_E_NOSPACE;")
# 12. recvmsg_into returns the buffer's length, not the kernel's count
ancdata_defect(into_returns_buflen recv.c
"	res->nitems = is.base.count;
	return n;
}

ssize_t ancdata_recvmsg("
"	res->nitems = is.base.count;
	return iovcnt > 0 ? (ssize_t)iov[0].iov_len : n;
}

ssize_t ancdata_recvmsg(")
# 13. the timeout's deadline restarts at each EINTR retry of its poll
ancdata_defect(timeout_restarts call.c
"		if (opts->on_eintr && opts->on_eintr(opts->on_eintr_arg))
			return -EINTR;
	}
}"
"		if (opts->on_eintr && opts->on_eintr(opts->on_eintr_arg))
			return -EINTR;
		deadline = now_ms() + opts->timeout_ms;
	}
}")
# 14. EINTR inside a sendmsg blocked on a full buffer returned instead of
#    retried (corpus/socketpair/regression-eintr-inside-blocked-sendmsg)
ancdata_defect(sendmsg_eintr_returned call.c
"			if (errno != EINTR)
				break;"
"			if (errno != EINTR || writing)
				break;")
set(ANCDATA_DEFECTS ${DEFECTS} PARENT_SCOPE)

string(REPLACE ";" " " DEFECT_WORDS "${DEFECTS}")
if(ANCDATA_TESTS)
  add_test(NAME fuzz/prove_oracles
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/prove_oracles.sh
            ${CMAKE_CURRENT_BINARY_DIR} ${PROJECT_SOURCE_DIR}/corpus "${DEFECT_WORDS}")
  set_tests_properties(fuzz/prove_oracles PROPERTIES TIMEOUT 900)
  # ci/fuzz, as CI runs it, reports a planted sanitizer error with a saved
  # input and a reproduce command, and leaves no process behind
  add_test(NAME fuzz/ci_fuzz_reports
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/ci_fuzz_reports.sh ${PROJECT_SOURCE_DIR}
            ${CMAKE_BINARY_DIR})
  set_tests_properties(fuzz/ci_fuzz_reports PROPERTIES TIMEOUT 600)
endif()
