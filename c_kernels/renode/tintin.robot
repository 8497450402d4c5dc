*** Comments ***
Runs one tintin test ELF under Renode and ends at the program's first verdict line: it passes
on ~~~ALL TESTS PASSED~~~ and fails at once on ~~~SOME TESTS FAILED~~~. Everything the program
prints through semihosting is saved to ${UART_FILE} (CreateFileBackend), which
c_kernels/driver/renode.py reads with the same parser as QEMU's output. A program that prints
no verdict within ${TIMEOUT} seconds of virtual time fails the wait (a hang).
    renode-test c_kernels/renode/tintin.robot -r OUT_DIR --variable ELF:/abs/prog.elf
        --variable PLATFORM:@/abs/c_kernels/renode/tintin_m4.repl --variable UART_FILE:/abs/uart.log
c_kernels/driver/renode.py (run_renode) builds exactly this command from a target file.
Renode's semihosting has no SYS_EXIT_EXTENDED, so the verdict line, not an exit status, ends
the run. Renode releases before 1.14 also need these settings:
    Resource ${RENODEKEYWORDS} / Suite Setup Setup / Suite Teardown Teardown /
    Test Teardown Test Teardown

*** Variables ***
${ELF}                  ${EMPTY}
# @/abs/path/board.repl, or @platforms/... for one of Renode's own platforms
${PLATFORM}             ${EMPTY}
# true: a Renode platform without the semihosting UART; the robot adds it to the cpu
${OWN_PLATFORM}         false
# a .resc that creates the machine from $elf itself (used instead of PLATFORM when given)
${SCRIPT}               ${EMPTY}
${UART_FILE}            ${EMPTY}
${NAME}                 tintin
${TIMEOUT}              30
${PASS_LINE}            ~~~ALL TESTS PASSED~~~
${FAIL_LINE}            ~~~SOME TESTS FAILED~~~
${VERDICT}              ~~~(ALL TESTS PASSED|SOME TESTS FAILED)~~~

*** Keywords ***
Load The Program
    IF    '${SCRIPT}' != ''
        Execute Command         $name="${NAME}"
        Execute Command         $elf=@${ELF}
        Execute Script          ${SCRIPT}
    ELSE
        Execute Command         mach create "${NAME}"
        Execute Command         machine LoadPlatformDescription ${PLATFORM}
        IF    '${OWN_PLATFORM}' == 'true'
            Execute Command     machine LoadPlatformDescriptionFromString "semihostingUart: UART.SemihostingUart @ cpu"
        END
        Execute Command         sysbus LoadELF @${ELF}
    END

*** Test Cases ***
Test Program Should Print The Pass Line
    Should Not Be Empty     ${ELF}          pass the program with --variable ELF:/path/to/program.elf
    Should Not Be Empty     ${UART_FILE}    pass the output file with --variable UART_FILE:/path/to/uart.log
    Load The Program
    Execute Command         sysbus.cpu.semihostingUart CreateFileBackend @${UART_FILE} true
    Create Terminal Tester  sysbus.cpu.semihostingUart    timeout=${TIMEOUT}
    Start Emulation
    # Either verdict ends the wait; the fail line then fails the test without waiting further.
    ${verdict}=             Wait For Line On Uart    ${VERDICT}    treatAsRegex=true
    Should Be Equal         ${verdict.line}    ${PASS_LINE}    the program printed ${FAIL_LINE}
