/*
 * Cortex-M vector table and exception entry, shared by every board. Thumb-1 only, so
 * the same file assembles for ARMv6-M (M0+) up to ARMv8.1-M (M55).
 *
 * Every exception other than reset goes to tt_exception_entry, which finds the
 * stacked frame and calls tt_exception_report (startup.c): faults and unexpected
 * interrupts print a FAULT line and exit with status 3. The handlers are weak aliases,
 * so a program can override one (e.g. SysTick_Handler for instruction counting under
 * QEMU -icount).
 */
    .syntax unified
    .thumb

    .section .vectors, "a", %progbits
    .align 2
    .globl tt_vector_table
    .type tt_vector_table, %object
tt_vector_table:
    .word __stack_top           /* 0: initial main stack pointer */
    .word Reset_Handler         /* 1 */
    .word NMI_Handler           /* 2 */
    .word HardFault_Handler     /* 3 */
    .word MemManage_Handler     /* 4 (reserved on ARMv6-M) */
    .word BusFault_Handler      /* 5 (reserved on ARMv6-M) */
    .word UsageFault_Handler    /* 6 (reserved on ARMv6-M) */
    .word SecureFault_Handler   /* 7 (ARMv8-M with the security extension) */
    .word 0                     /* 8 */
    .word 0                     /* 9 */
    .word 0                     /* 10 */
    .word SVC_Handler           /* 11 */
    .word DebugMon_Handler      /* 12 */
    .word 0                     /* 13 */
    .word PendSV_Handler        /* 14 */
    .word SysTick_Handler       /* 15 */
    /* 32 external interrupts: the most ARMv6-M allows. None is enabled; any that
     * fires is reported as a fault. */
    .rept 32
    .word IRQ_Handler
    .endr
    .size tt_vector_table, . - tt_vector_table

    .text
    .align 1
    .globl tt_exception_entry
    .thumb_func
    .type tt_exception_entry, %function
tt_exception_entry:
    /* EXC_RETURN bit 2 says which stack holds the frame: 0 = MSP, 1 = PSP. */
    movs r0, #4
    mov r1, lr
    tst r0, r1
    beq 1f
    mrs r0, psp
    b 2f
1:  mrs r0, msp
2:  ldr r2, =tt_exception_report
    bx r2
    .ltorg
    .size tt_exception_entry, . - tt_exception_entry

    .macro tt_weak_handler name
    .weak \name
    .thumb_set \name, tt_exception_entry
    .endm

    tt_weak_handler NMI_Handler
    tt_weak_handler HardFault_Handler
    tt_weak_handler MemManage_Handler
    tt_weak_handler BusFault_Handler
    tt_weak_handler UsageFault_Handler
    tt_weak_handler SecureFault_Handler
    tt_weak_handler SVC_Handler
    tt_weak_handler DebugMon_Handler
    tt_weak_handler PendSV_Handler
    tt_weak_handler SysTick_Handler
    tt_weak_handler IRQ_Handler
