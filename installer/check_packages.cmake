# The packaging test (installer/CMakeLists.txt): builds the Debian packages with CPack into
# OUT_DIR and checks what an operator relies on. Fails with a message naming what is wrong.
# Inputs: BUILD_DIR, OUT_DIR, LINTIAN (path or NOTFOUND), EXPECT_ADMIN (0/1), SHIPPED_CONFIG.

file(REMOVE_RECURSE ${OUT_DIR})
file(MAKE_DIRECTORY ${OUT_DIR})
execute_process(COMMAND ${CMAKE_CPACK_COMMAND} -G DEB -B ${OUT_DIR}
                        --config ${BUILD_DIR}/CPackConfig.cmake
                WORKING_DIRECTORY ${BUILD_DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out
                TIMEOUT 120)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cpack failed (${rc}):\n${out}")
endif()

function(require haystack needle what)
    string(FIND "${haystack}" "${needle}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "${what}: '${needle}' not found in:\n${haystack}")
    endif()
endfunction()

function(deb_info deb out_contents out_info)
    execute_process(COMMAND dpkg-deb -c ${deb} OUTPUT_VARIABLE contents RESULT_VARIABLE rc1)
    execute_process(COMMAND dpkg-deb -I ${deb} OUTPUT_VARIABLE info RESULT_VARIABLE rc2)
    if(NOT rc1 EQUAL 0 OR NOT rc2 EQUAL 0)
        message(FATAL_ERROR "dpkg-deb cannot read ${deb}")
    endif()
    set(${out_contents} "${contents}" PARENT_SCOPE)
    set(${out_info} "${info}" PARENT_SCOPE)
endfunction()

# --- yika ---
file(GLOB server_debs ${OUT_DIR}/yika_*.deb)
list(LENGTH server_debs n)
if(NOT n EQUAL 1)
    message(FATAL_ERROR "expected one yika_*.deb in ${OUT_DIR}, found: ${server_debs}")
endif()
deb_info(${server_debs} contents info)
foreach(path ./usr/bin/yikad ./usr/bin/yika-term ./etc/yika/yikad.properties
             ./lib/systemd/system/yika.service ./usr/share/doc/yika/copyright
             ./usr/share/doc/yika/changelog.gz ./usr/share/doc/yika/operations.md)
    require("${contents}" "${path}" "yika package contents")
endforeach()
require("${contents}" "root/root" "file ownership")
foreach(field "Package: yika" "Depends:" "libc6" "adduser" "postinst" "prerm" "postrm"
              "conffiles")
    require("${info}" "${field}" "yika control information")
endforeach()
execute_process(COMMAND dpkg-deb --info ${server_debs} conffiles OUTPUT_VARIABLE conffiles)
require("${conffiles}" "/etc/yika/yikad.properties" "conffiles")

set(tree ${OUT_DIR}/yika-tree)
execute_process(COMMAND dpkg-deb -x ${server_debs} ${tree} RESULT_VARIABLE rc)
file(READ ${tree}/etc/yika/yikad.properties packaged)
file(READ ${SHIPPED_CONFIG} shipped)
if(NOT packaged STREQUAL shipped)
    message(FATAL_ERROR "the packaged /etc/yika/yikad.properties is not installer/yikad.properties")
endif()
file(READ ${tree}/lib/systemd/system/yika.service unit)
foreach(line "User=yika" "ProtectSystem=strict" "ProtectHome=yes" "PrivateTmp=yes"
             "NoNewPrivileges=yes" "ReadWritePaths=/var/lib/yika" "LimitNOFILE=65536"
             "--config /etc/yika/yikad.properties serve --data /var/lib/yika")
    require("${unit}" "${line}" "systemd unit")
endforeach()
# The packaged binary runs and prints the same defaults.
execute_process(COMMAND ${tree}/usr/bin/yikad config defaults OUTPUT_VARIABLE printed
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT printed STREQUAL shipped)
    message(FATAL_ERROR "the packaged yikad does not print installer/yikad.properties")
endif()

set(debs ${server_debs})
# --- yika-admin, when admin_gui/ is part of the build ---
file(GLOB admin_debs ${OUT_DIR}/yika-admin_*.deb)
if(EXPECT_ADMIN)
    list(LENGTH admin_debs n)
    if(NOT n EQUAL 1)
        message(FATAL_ERROR "expected one yika-admin_*.deb, found: ${admin_debs}")
    endif()
    deb_info(${admin_debs} contents info)
    require("${contents}" "./usr/bin/yika-admin" "yika-admin package contents")
    require("${info}" "Package: yika-admin" "yika-admin control information")
    list(APPEND debs ${admin_debs})
elseif(admin_debs)
    message(FATAL_ERROR "a yika-admin package without the yika-admin target: ${admin_debs}")
endif()

# --- lintian: no errors (warnings are reported, not fatal) ---
if(NOT LINTIAN)
    message(FATAL_ERROR "lintian is missing: run installer/install-deps.sh test")
endif()
execute_process(COMMAND ${LINTIAN} --no-cfg --allow-root --fail-on error ${debs}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out TIMEOUT 120)
message(STATUS "lintian:\n${out}")
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "lintian reports errors (exit ${rc}):\n${out}")
endif()
