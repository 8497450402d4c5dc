*** Comments ***
Runs a tintin test ELF built for target m4 on the inline MPS2-AN386-like platform and
passes when the program prints the TFLite Micro pass line through semihosting.
    renode-test c_kernels/renode/tintin_m4.robot --variable ELF:/abs/path/selftest.m4.elf
c_kernels/driver/run.py (run_renode) runs exactly this. Renode's semihosting has no
SYS_EXIT_EXTENDED, so the pass line, not the exit status, is the verdict here.
Renode releases before 1.14 also need these settings:
    Resource ${RENODEKEYWORDS} / Suite Setup Setup / Suite Teardown Teardown /
    Test Teardown Test Teardown

*** Variables ***
${ELF}                  ${EMPTY}
${PASS_LINE}            ~~~ALL TESTS PASSED~~~
${FAIL_LINE}            ~~~SOME TESTS FAILED~~~
${TIMEOUT}              60

*** Test Cases ***
Test Program Should Print The Pass Line
    Should Not Be Empty     ${ELF}    pass the program with --variable ELF:/path/to/program.elf
    Execute Command         $elf=@${ELF}
    Execute Script          ${CURDIR}/tintin_m4.resc
    Create Terminal Tester  sysbus.cpu.semihostingUart    timeout=${TIMEOUT}
    Start Emulation
    Wait For Line On Uart   ${PASS_LINE}
