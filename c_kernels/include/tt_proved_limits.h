/* tt_proved_limits.h - limits proved by `tintin prove` (generated; do not edit).
 *
 * Each TT_PROVED_<CONFIG>_<LIMIT> is exact: proved safe by the named Z3 theorem, with a
 * counterexample just past it. Limits of theorems that were not proved are left out.
 * A kernel selects its config with TT_PROVED_CONFIG_<CONFIG> (or defines its own
 * TT_MAX_FAN_IN etc., which are then checked against the proved values).
 */
#ifndef TT_PROVED_LIMITS_H
#define TT_PROVED_LIMITS_H

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define TT_PROVED_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#else /* C99: a negative array size fails the build */
#define TT_PROVED_CAT2(a, b) a##b
#define TT_PROVED_CAT(a, b) TT_PROVED_CAT2(a, b)
#define TT_PROVED_STATIC_ASSERT(cond, msg) \
    typedef char TT_PROVED_CAT(tt_proved_assert_, __LINE__)[(cond) ? 1 : -1]
#endif

/* config tintin: int8 payloads, int32 accumulators */
#define TT_PROVED_TINTIN_PAYLOAD_BITS 8
#define TT_PROVED_TINTIN_ACC_BITS 32
#define TT_PROVED_TINTIN_QMAX 127
#define TT_PROVED_TINTIN_FINE_UP_MAX_ABS_IN 3329432 /* largest |x| the up step accepts (multiplier 645); fine_step.up: proved exact */
#define TT_PROVED_TINTIN_FINE_DOWN_MAX_ABS_IN 10578737 /* largest |x| the down step accepts (multiplier 203); fine_step.down: proved exact */
#define TT_PROVED_TINTIN_REQUANT_MAX_SHIFT 24 /* largest requantisation shift (S grows by at most this); requantise: proved exact */
#define TT_PROVED_TINTIN_WINDOW_MAX_LEFT 5 /* most whole left shifts of one window step; window.header: proved exact */
#define TT_PROVED_TINTIN_GRAD_PRE_BITS 22 /* bits kept before the fine steps of the alignment; update.aligned: proved bound */
#define TT_PROVED_TINTIN_UPDATE_MAX_ABS_STEP 32 /* largest |step| subtracted from a weight; update.aligned: proved bound */
#define TT_PROVED_TINTIN_NITI_MAX_ABS_STEP 32 /* largest |step| of the NITI update; update.niti: proved bound */
#define TT_PROVED_TINTIN_MAX_FAN_IN 133144 /* largest fan-in of a dot product; accumulator.forward: proved exact */
#define TT_PROVED_TINTIN_MAX_FAN_OUT 133144 /* largest fan-out of a dot product; accumulator.backward_error: proved exact */
#define TT_PROVED_TINTIN_MAX_BATCH 133144 /* largest batch of a dot product; accumulator.gradient: proved exact */
#define TT_PROVED_TINTIN_MAX_CONV_PATCH 133144 /* largest convolution patch (K*K*C) of a dot product; accumulator.conv_forward: proved exact */
#define TT_PROVED_TINTIN_MAX_CONV_BACKWARD_TERMS 133144 /* largest convolution backward sum (taps*OC) of a dot product; accumulator.conv_backward_error: proved exact */
#define TT_PROVED_TINTIN_MAX_CONV_GRADIENT_TERMS 133144 /* largest convolution gradient sum (batch*positions) of a dot product; accumulator.conv_gradient: proved exact */
#define TT_PROVED_TINTIN_MAX_CLASSES 131071 /* most softmax classes in one row; softmax.row_sum: proved exact */
TT_PROVED_STATIC_ASSERT(TT_PROVED_TINTIN_MAX_FAN_IN * TT_PROVED_TINTIN_QMAX * TT_PROVED_TINTIN_QMAX <= 2147483647LL && (TT_PROVED_TINTIN_MAX_FAN_IN + 1LL) * TT_PROVED_TINTIN_QMAX * TT_PROVED_TINTIN_QMAX > 2147483647LL, "TT_PROVED_TINTIN_MAX_FAN_IN is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_TINTIN_MAX_FAN_OUT * TT_PROVED_TINTIN_QMAX * TT_PROVED_TINTIN_QMAX <= 2147483647LL && (TT_PROVED_TINTIN_MAX_FAN_OUT + 1LL) * TT_PROVED_TINTIN_QMAX * TT_PROVED_TINTIN_QMAX > 2147483647LL, "TT_PROVED_TINTIN_MAX_FAN_OUT is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_TINTIN_MAX_BATCH * TT_PROVED_TINTIN_QMAX * TT_PROVED_TINTIN_QMAX <= 2147483647LL && (TT_PROVED_TINTIN_MAX_BATCH + 1LL) * TT_PROVED_TINTIN_QMAX * TT_PROVED_TINTIN_QMAX > 2147483647LL, "TT_PROVED_TINTIN_MAX_BATCH is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_TINTIN_MAX_CONV_PATCH * TT_PROVED_TINTIN_QMAX * TT_PROVED_TINTIN_QMAX <= 2147483647LL && (TT_PROVED_TINTIN_MAX_CONV_PATCH + 1LL) * TT_PROVED_TINTIN_QMAX * TT_PROVED_TINTIN_QMAX > 2147483647LL, "TT_PROVED_TINTIN_MAX_CONV_PATCH is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_TINTIN_MAX_CONV_BACKWARD_TERMS * TT_PROVED_TINTIN_QMAX * TT_PROVED_TINTIN_QMAX <= 2147483647LL && (TT_PROVED_TINTIN_MAX_CONV_BACKWARD_TERMS + 1LL) * TT_PROVED_TINTIN_QMAX * TT_PROVED_TINTIN_QMAX > 2147483647LL, "TT_PROVED_TINTIN_MAX_CONV_BACKWARD_TERMS is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_TINTIN_MAX_CONV_GRADIENT_TERMS * TT_PROVED_TINTIN_QMAX * TT_PROVED_TINTIN_QMAX <= 2147483647LL && (TT_PROVED_TINTIN_MAX_CONV_GRADIENT_TERMS + 1LL) * TT_PROVED_TINTIN_QMAX * TT_PROVED_TINTIN_QMAX > 2147483647LL, "TT_PROVED_TINTIN_MAX_CONV_GRADIENT_TERMS is the exact dot-product limit");

/* config niti: int8 payloads, int32 accumulators */
#define TT_PROVED_NITI_PAYLOAD_BITS 8
#define TT_PROVED_NITI_ACC_BITS 32
#define TT_PROVED_NITI_QMAX 127
#define TT_PROVED_NITI_FINE_UP_MAX_ABS_IN 3329432 /* largest |x| the up step accepts (multiplier 645); fine_step.up: proved exact */
#define TT_PROVED_NITI_FINE_DOWN_MAX_ABS_IN 10578737 /* largest |x| the down step accepts (multiplier 203); fine_step.down: proved exact */
#define TT_PROVED_NITI_REQUANT_MAX_SHIFT 24 /* largest requantisation shift (S grows by at most this); requantise: proved exact */
#define TT_PROVED_NITI_WINDOW_MAX_LEFT 0 /* most whole left shifts of one window step; window.header: proved exact */
#define TT_PROVED_NITI_GRAD_PRE_BITS 22 /* bits kept before the fine steps of the alignment; update.aligned: proved bound */
#define TT_PROVED_NITI_UPDATE_MAX_ABS_STEP 32 /* largest |step| subtracted from a weight; update.aligned: proved bound */
#define TT_PROVED_NITI_NITI_MAX_ABS_STEP 32 /* largest |step| of the NITI update; update.niti: proved bound */
#define TT_PROVED_NITI_MAX_FAN_IN 133144 /* largest fan-in of a dot product; accumulator.forward: proved exact */
#define TT_PROVED_NITI_MAX_FAN_OUT 133144 /* largest fan-out of a dot product; accumulator.backward_error: proved exact */
#define TT_PROVED_NITI_MAX_BATCH 133144 /* largest batch of a dot product; accumulator.gradient: proved exact */
#define TT_PROVED_NITI_MAX_CONV_PATCH 133144 /* largest convolution patch (K*K*C) of a dot product; accumulator.conv_forward: proved exact */
#define TT_PROVED_NITI_MAX_CONV_BACKWARD_TERMS 133144 /* largest convolution backward sum (taps*OC) of a dot product; accumulator.conv_backward_error: proved exact */
#define TT_PROVED_NITI_MAX_CONV_GRADIENT_TERMS 133144 /* largest convolution gradient sum (batch*positions) of a dot product; accumulator.conv_gradient: proved exact */
#define TT_PROVED_NITI_MAX_CLASSES 131071 /* most softmax classes in one row; softmax.row_sum: proved exact */
TT_PROVED_STATIC_ASSERT(TT_PROVED_NITI_MAX_FAN_IN * TT_PROVED_NITI_QMAX * TT_PROVED_NITI_QMAX <= 2147483647LL && (TT_PROVED_NITI_MAX_FAN_IN + 1LL) * TT_PROVED_NITI_QMAX * TT_PROVED_NITI_QMAX > 2147483647LL, "TT_PROVED_NITI_MAX_FAN_IN is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_NITI_MAX_FAN_OUT * TT_PROVED_NITI_QMAX * TT_PROVED_NITI_QMAX <= 2147483647LL && (TT_PROVED_NITI_MAX_FAN_OUT + 1LL) * TT_PROVED_NITI_QMAX * TT_PROVED_NITI_QMAX > 2147483647LL, "TT_PROVED_NITI_MAX_FAN_OUT is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_NITI_MAX_BATCH * TT_PROVED_NITI_QMAX * TT_PROVED_NITI_QMAX <= 2147483647LL && (TT_PROVED_NITI_MAX_BATCH + 1LL) * TT_PROVED_NITI_QMAX * TT_PROVED_NITI_QMAX > 2147483647LL, "TT_PROVED_NITI_MAX_BATCH is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_NITI_MAX_CONV_PATCH * TT_PROVED_NITI_QMAX * TT_PROVED_NITI_QMAX <= 2147483647LL && (TT_PROVED_NITI_MAX_CONV_PATCH + 1LL) * TT_PROVED_NITI_QMAX * TT_PROVED_NITI_QMAX > 2147483647LL, "TT_PROVED_NITI_MAX_CONV_PATCH is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_NITI_MAX_CONV_BACKWARD_TERMS * TT_PROVED_NITI_QMAX * TT_PROVED_NITI_QMAX <= 2147483647LL && (TT_PROVED_NITI_MAX_CONV_BACKWARD_TERMS + 1LL) * TT_PROVED_NITI_QMAX * TT_PROVED_NITI_QMAX > 2147483647LL, "TT_PROVED_NITI_MAX_CONV_BACKWARD_TERMS is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_NITI_MAX_CONV_GRADIENT_TERMS * TT_PROVED_NITI_QMAX * TT_PROVED_NITI_QMAX <= 2147483647LL && (TT_PROVED_NITI_MAX_CONV_GRADIENT_TERMS + 1LL) * TT_PROVED_NITI_QMAX * TT_PROVED_NITI_QMAX > 2147483647LL, "TT_PROVED_NITI_MAX_CONV_GRADIENT_TERMS is the exact dot-product limit");

/* config int16-acc32: int16 payloads, int32 accumulators */
#define TT_PROVED_INT16_ACC32_PAYLOAD_BITS 16
#define TT_PROVED_INT16_ACC32_ACC_BITS 32
#define TT_PROVED_INT16_ACC32_QMAX 32767
#define TT_PROVED_INT16_ACC32_FINE_UP_MAX_ABS_IN 3329432 /* largest |x| the up step accepts (multiplier 645); fine_step.up: proved exact */
#define TT_PROVED_INT16_ACC32_FINE_DOWN_MAX_ABS_IN 10578737 /* largest |x| the down step accepts (multiplier 203); fine_step.down: proved exact */
#define TT_PROVED_INT16_ACC32_REQUANT_MAX_SHIFT 16 /* largest requantisation shift (S grows by at most this); requantise: proved exact */
#define TT_PROVED_INT16_ACC32_WINDOW_MAX_LEFT 13 /* most whole left shifts of one window step; window.header: proved exact */
#define TT_PROVED_INT16_ACC32_GRAD_PRE_BITS 22 /* bits kept before the fine steps of the alignment; update.aligned: proved bound */
#define TT_PROVED_INT16_ACC32_UPDATE_MAX_ABS_STEP 8192 /* largest |step| subtracted from a weight; update.aligned: proved bound */
#define TT_PROVED_INT16_ACC32_NITI_MAX_ABS_STEP 32 /* largest |step| of the NITI update; update.niti: proved bound */
#define TT_PROVED_INT16_ACC32_MAX_FAN_IN 2 /* largest fan-in of a dot product; accumulator.forward: proved exact; below the required 784 */
#define TT_PROVED_INT16_ACC32_MAX_FAN_OUT 2 /* largest fan-out of a dot product; accumulator.backward_error: proved exact; below the required 784 */
#define TT_PROVED_INT16_ACC32_MAX_BATCH 2 /* largest batch of a dot product; accumulator.gradient: proved exact; below the required 256 */
#define TT_PROVED_INT16_ACC32_MAX_CONV_PATCH 2 /* largest convolution patch (K*K*C) of a dot product; accumulator.conv_forward: proved exact; below the required 150 */
#define TT_PROVED_INT16_ACC32_MAX_CONV_BACKWARD_TERMS 2 /* largest convolution backward sum (taps*OC) of a dot product; accumulator.conv_backward_error: proved exact; below the required 400 */
#define TT_PROVED_INT16_ACC32_MAX_CONV_GRADIENT_TERMS 2 /* largest convolution gradient sum (batch*positions) of a dot product; accumulator.conv_gradient: proved exact; below the required 50176 */
#define TT_PROVED_INT16_ACC32_MAX_CLASSES 131071 /* most softmax classes in one row; softmax.row_sum: proved exact */
TT_PROVED_STATIC_ASSERT(TT_PROVED_INT16_ACC32_MAX_FAN_IN * TT_PROVED_INT16_ACC32_QMAX * TT_PROVED_INT16_ACC32_QMAX <= 2147483647LL && (TT_PROVED_INT16_ACC32_MAX_FAN_IN + 1LL) * TT_PROVED_INT16_ACC32_QMAX * TT_PROVED_INT16_ACC32_QMAX > 2147483647LL, "TT_PROVED_INT16_ACC32_MAX_FAN_IN is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_INT16_ACC32_MAX_FAN_OUT * TT_PROVED_INT16_ACC32_QMAX * TT_PROVED_INT16_ACC32_QMAX <= 2147483647LL && (TT_PROVED_INT16_ACC32_MAX_FAN_OUT + 1LL) * TT_PROVED_INT16_ACC32_QMAX * TT_PROVED_INT16_ACC32_QMAX > 2147483647LL, "TT_PROVED_INT16_ACC32_MAX_FAN_OUT is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_INT16_ACC32_MAX_BATCH * TT_PROVED_INT16_ACC32_QMAX * TT_PROVED_INT16_ACC32_QMAX <= 2147483647LL && (TT_PROVED_INT16_ACC32_MAX_BATCH + 1LL) * TT_PROVED_INT16_ACC32_QMAX * TT_PROVED_INT16_ACC32_QMAX > 2147483647LL, "TT_PROVED_INT16_ACC32_MAX_BATCH is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_INT16_ACC32_MAX_CONV_PATCH * TT_PROVED_INT16_ACC32_QMAX * TT_PROVED_INT16_ACC32_QMAX <= 2147483647LL && (TT_PROVED_INT16_ACC32_MAX_CONV_PATCH + 1LL) * TT_PROVED_INT16_ACC32_QMAX * TT_PROVED_INT16_ACC32_QMAX > 2147483647LL, "TT_PROVED_INT16_ACC32_MAX_CONV_PATCH is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_INT16_ACC32_MAX_CONV_BACKWARD_TERMS * TT_PROVED_INT16_ACC32_QMAX * TT_PROVED_INT16_ACC32_QMAX <= 2147483647LL && (TT_PROVED_INT16_ACC32_MAX_CONV_BACKWARD_TERMS + 1LL) * TT_PROVED_INT16_ACC32_QMAX * TT_PROVED_INT16_ACC32_QMAX > 2147483647LL, "TT_PROVED_INT16_ACC32_MAX_CONV_BACKWARD_TERMS is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_INT16_ACC32_MAX_CONV_GRADIENT_TERMS * TT_PROVED_INT16_ACC32_QMAX * TT_PROVED_INT16_ACC32_QMAX <= 2147483647LL && (TT_PROVED_INT16_ACC32_MAX_CONV_GRADIENT_TERMS + 1LL) * TT_PROVED_INT16_ACC32_QMAX * TT_PROVED_INT16_ACC32_QMAX > 2147483647LL, "TT_PROVED_INT16_ACC32_MAX_CONV_GRADIENT_TERMS is the exact dot-product limit");

/* config int8-acc16: int8 payloads, int16 accumulators */
#define TT_PROVED_INT8_ACC16_PAYLOAD_BITS 8
#define TT_PROVED_INT8_ACC16_ACC_BITS 16
#define TT_PROVED_INT8_ACC16_QMAX 127
#define TT_PROVED_INT8_ACC16_FINE_UP_MAX_ABS_IN 50 /* largest |x| the up step accepts (multiplier 645); fine_step.up: proved exact; below the required 127 */
#define TT_PROVED_INT8_ACC16_FINE_DOWN_MAX_ABS_IN 1310 /* largest |x| the down step accepts (multiplier 25); fine_step.down: proved exact */
#define TT_PROVED_INT8_ACC16_REQUANT_MAX_SHIFT 8 /* largest requantisation shift (S grows by at most this); requantise: proved exact */
/* TT_PROVED_INT8_ACC16_WINDOW_MAX_LEFT not proved (window.header: FAILED) */
#define TT_PROVED_INT8_ACC16_GRAD_PRE_BITS 8 /* bits kept before the fine steps of the alignment; update.aligned: proved bound */
#define TT_PROVED_INT8_ACC16_UPDATE_MAX_ABS_STEP 32 /* largest |step| subtracted from a weight; update.aligned: proved bound */
#define TT_PROVED_INT8_ACC16_NITI_MAX_ABS_STEP 32 /* largest |step| of the NITI update; update.niti: proved bound */
#define TT_PROVED_INT8_ACC16_MAX_FAN_IN 2 /* largest fan-in of a dot product; accumulator.forward: proved exact; below the required 784 */
#define TT_PROVED_INT8_ACC16_MAX_FAN_OUT 2 /* largest fan-out of a dot product; accumulator.backward_error: proved exact; below the required 784 */
#define TT_PROVED_INT8_ACC16_MAX_BATCH 2 /* largest batch of a dot product; accumulator.gradient: proved exact; below the required 256 */
#define TT_PROVED_INT8_ACC16_MAX_CONV_PATCH 2 /* largest convolution patch (K*K*C) of a dot product; accumulator.conv_forward: proved exact; below the required 150 */
#define TT_PROVED_INT8_ACC16_MAX_CONV_BACKWARD_TERMS 2 /* largest convolution backward sum (taps*OC) of a dot product; accumulator.conv_backward_error: proved exact; below the required 400 */
#define TT_PROVED_INT8_ACC16_MAX_CONV_GRADIENT_TERMS 2 /* largest convolution gradient sum (batch*positions) of a dot product; accumulator.conv_gradient: proved exact; below the required 50176 */
#define TT_PROVED_INT8_ACC16_MAX_CLASSES 1 /* most softmax classes in one row; softmax.row_sum: proved exact; below the required 10 */
TT_PROVED_STATIC_ASSERT(TT_PROVED_INT8_ACC16_MAX_FAN_IN * TT_PROVED_INT8_ACC16_QMAX * TT_PROVED_INT8_ACC16_QMAX <= 32767LL && (TT_PROVED_INT8_ACC16_MAX_FAN_IN + 1LL) * TT_PROVED_INT8_ACC16_QMAX * TT_PROVED_INT8_ACC16_QMAX > 32767LL, "TT_PROVED_INT8_ACC16_MAX_FAN_IN is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_INT8_ACC16_MAX_FAN_OUT * TT_PROVED_INT8_ACC16_QMAX * TT_PROVED_INT8_ACC16_QMAX <= 32767LL && (TT_PROVED_INT8_ACC16_MAX_FAN_OUT + 1LL) * TT_PROVED_INT8_ACC16_QMAX * TT_PROVED_INT8_ACC16_QMAX > 32767LL, "TT_PROVED_INT8_ACC16_MAX_FAN_OUT is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_INT8_ACC16_MAX_BATCH * TT_PROVED_INT8_ACC16_QMAX * TT_PROVED_INT8_ACC16_QMAX <= 32767LL && (TT_PROVED_INT8_ACC16_MAX_BATCH + 1LL) * TT_PROVED_INT8_ACC16_QMAX * TT_PROVED_INT8_ACC16_QMAX > 32767LL, "TT_PROVED_INT8_ACC16_MAX_BATCH is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_INT8_ACC16_MAX_CONV_PATCH * TT_PROVED_INT8_ACC16_QMAX * TT_PROVED_INT8_ACC16_QMAX <= 32767LL && (TT_PROVED_INT8_ACC16_MAX_CONV_PATCH + 1LL) * TT_PROVED_INT8_ACC16_QMAX * TT_PROVED_INT8_ACC16_QMAX > 32767LL, "TT_PROVED_INT8_ACC16_MAX_CONV_PATCH is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_INT8_ACC16_MAX_CONV_BACKWARD_TERMS * TT_PROVED_INT8_ACC16_QMAX * TT_PROVED_INT8_ACC16_QMAX <= 32767LL && (TT_PROVED_INT8_ACC16_MAX_CONV_BACKWARD_TERMS + 1LL) * TT_PROVED_INT8_ACC16_QMAX * TT_PROVED_INT8_ACC16_QMAX > 32767LL, "TT_PROVED_INT8_ACC16_MAX_CONV_BACKWARD_TERMS is the exact dot-product limit");
TT_PROVED_STATIC_ASSERT(TT_PROVED_INT8_ACC16_MAX_CONV_GRADIENT_TERMS * TT_PROVED_INT8_ACC16_QMAX * TT_PROVED_INT8_ACC16_QMAX <= 32767LL && (TT_PROVED_INT8_ACC16_MAX_CONV_GRADIENT_TERMS + 1LL) * TT_PROVED_INT8_ACC16_QMAX * TT_PROVED_INT8_ACC16_QMAX > 32767LL, "TT_PROVED_INT8_ACC16_MAX_CONV_GRADIENT_TERMS is the exact dot-product limit");

/* The selected config's limits, and checks of a kernel's own limits against them. */
#if defined(TT_PROVED_CONFIG_TINTIN)
#define TT_PROVED_FINE_DOWN_MAX_ABS_IN TT_PROVED_TINTIN_FINE_DOWN_MAX_ABS_IN
#define TT_PROVED_FINE_UP_MAX_ABS_IN TT_PROVED_TINTIN_FINE_UP_MAX_ABS_IN
#define TT_PROVED_GRAD_PRE_BITS TT_PROVED_TINTIN_GRAD_PRE_BITS
#define TT_PROVED_MAX_BATCH TT_PROVED_TINTIN_MAX_BATCH
#define TT_PROVED_MAX_CLASSES TT_PROVED_TINTIN_MAX_CLASSES
#define TT_PROVED_MAX_CONV_BACKWARD_TERMS TT_PROVED_TINTIN_MAX_CONV_BACKWARD_TERMS
#define TT_PROVED_MAX_CONV_GRADIENT_TERMS TT_PROVED_TINTIN_MAX_CONV_GRADIENT_TERMS
#define TT_PROVED_MAX_CONV_PATCH TT_PROVED_TINTIN_MAX_CONV_PATCH
#define TT_PROVED_MAX_FAN_IN TT_PROVED_TINTIN_MAX_FAN_IN
#define TT_PROVED_MAX_FAN_OUT TT_PROVED_TINTIN_MAX_FAN_OUT
#define TT_PROVED_NITI_MAX_ABS_STEP TT_PROVED_TINTIN_NITI_MAX_ABS_STEP
#define TT_PROVED_REQUANT_MAX_SHIFT TT_PROVED_TINTIN_REQUANT_MAX_SHIFT
#define TT_PROVED_UPDATE_MAX_ABS_STEP TT_PROVED_TINTIN_UPDATE_MAX_ABS_STEP
#define TT_PROVED_WINDOW_MAX_LEFT TT_PROVED_TINTIN_WINDOW_MAX_LEFT
#elif defined(TT_PROVED_CONFIG_NITI)
#define TT_PROVED_FINE_DOWN_MAX_ABS_IN TT_PROVED_NITI_FINE_DOWN_MAX_ABS_IN
#define TT_PROVED_FINE_UP_MAX_ABS_IN TT_PROVED_NITI_FINE_UP_MAX_ABS_IN
#define TT_PROVED_GRAD_PRE_BITS TT_PROVED_NITI_GRAD_PRE_BITS
#define TT_PROVED_MAX_BATCH TT_PROVED_NITI_MAX_BATCH
#define TT_PROVED_MAX_CLASSES TT_PROVED_NITI_MAX_CLASSES
#define TT_PROVED_MAX_CONV_BACKWARD_TERMS TT_PROVED_NITI_MAX_CONV_BACKWARD_TERMS
#define TT_PROVED_MAX_CONV_GRADIENT_TERMS TT_PROVED_NITI_MAX_CONV_GRADIENT_TERMS
#define TT_PROVED_MAX_CONV_PATCH TT_PROVED_NITI_MAX_CONV_PATCH
#define TT_PROVED_MAX_FAN_IN TT_PROVED_NITI_MAX_FAN_IN
#define TT_PROVED_MAX_FAN_OUT TT_PROVED_NITI_MAX_FAN_OUT
#define TT_PROVED_NITI_MAX_ABS_STEP TT_PROVED_NITI_NITI_MAX_ABS_STEP
#define TT_PROVED_REQUANT_MAX_SHIFT TT_PROVED_NITI_REQUANT_MAX_SHIFT
#define TT_PROVED_UPDATE_MAX_ABS_STEP TT_PROVED_NITI_UPDATE_MAX_ABS_STEP
#define TT_PROVED_WINDOW_MAX_LEFT TT_PROVED_NITI_WINDOW_MAX_LEFT
#elif defined(TT_PROVED_CONFIG_INT16_ACC32)
#define TT_PROVED_FINE_DOWN_MAX_ABS_IN TT_PROVED_INT16_ACC32_FINE_DOWN_MAX_ABS_IN
#define TT_PROVED_FINE_UP_MAX_ABS_IN TT_PROVED_INT16_ACC32_FINE_UP_MAX_ABS_IN
#define TT_PROVED_GRAD_PRE_BITS TT_PROVED_INT16_ACC32_GRAD_PRE_BITS
#define TT_PROVED_MAX_BATCH TT_PROVED_INT16_ACC32_MAX_BATCH
#define TT_PROVED_MAX_CLASSES TT_PROVED_INT16_ACC32_MAX_CLASSES
#define TT_PROVED_MAX_CONV_BACKWARD_TERMS TT_PROVED_INT16_ACC32_MAX_CONV_BACKWARD_TERMS
#define TT_PROVED_MAX_CONV_GRADIENT_TERMS TT_PROVED_INT16_ACC32_MAX_CONV_GRADIENT_TERMS
#define TT_PROVED_MAX_CONV_PATCH TT_PROVED_INT16_ACC32_MAX_CONV_PATCH
#define TT_PROVED_MAX_FAN_IN TT_PROVED_INT16_ACC32_MAX_FAN_IN
#define TT_PROVED_MAX_FAN_OUT TT_PROVED_INT16_ACC32_MAX_FAN_OUT
#define TT_PROVED_NITI_MAX_ABS_STEP TT_PROVED_INT16_ACC32_NITI_MAX_ABS_STEP
#define TT_PROVED_REQUANT_MAX_SHIFT TT_PROVED_INT16_ACC32_REQUANT_MAX_SHIFT
#define TT_PROVED_UPDATE_MAX_ABS_STEP TT_PROVED_INT16_ACC32_UPDATE_MAX_ABS_STEP
#define TT_PROVED_WINDOW_MAX_LEFT TT_PROVED_INT16_ACC32_WINDOW_MAX_LEFT
#elif defined(TT_PROVED_CONFIG_INT8_ACC16)
#define TT_PROVED_FINE_DOWN_MAX_ABS_IN TT_PROVED_INT8_ACC16_FINE_DOWN_MAX_ABS_IN
#define TT_PROVED_FINE_UP_MAX_ABS_IN TT_PROVED_INT8_ACC16_FINE_UP_MAX_ABS_IN
#define TT_PROVED_GRAD_PRE_BITS TT_PROVED_INT8_ACC16_GRAD_PRE_BITS
#define TT_PROVED_MAX_BATCH TT_PROVED_INT8_ACC16_MAX_BATCH
#define TT_PROVED_MAX_CLASSES TT_PROVED_INT8_ACC16_MAX_CLASSES
#define TT_PROVED_MAX_CONV_BACKWARD_TERMS TT_PROVED_INT8_ACC16_MAX_CONV_BACKWARD_TERMS
#define TT_PROVED_MAX_CONV_GRADIENT_TERMS TT_PROVED_INT8_ACC16_MAX_CONV_GRADIENT_TERMS
#define TT_PROVED_MAX_CONV_PATCH TT_PROVED_INT8_ACC16_MAX_CONV_PATCH
#define TT_PROVED_MAX_FAN_IN TT_PROVED_INT8_ACC16_MAX_FAN_IN
#define TT_PROVED_MAX_FAN_OUT TT_PROVED_INT8_ACC16_MAX_FAN_OUT
#define TT_PROVED_NITI_MAX_ABS_STEP TT_PROVED_INT8_ACC16_NITI_MAX_ABS_STEP
#define TT_PROVED_REQUANT_MAX_SHIFT TT_PROVED_INT8_ACC16_REQUANT_MAX_SHIFT
#define TT_PROVED_UPDATE_MAX_ABS_STEP TT_PROVED_INT8_ACC16_UPDATE_MAX_ABS_STEP
#endif
#if defined(TT_MAX_FAN_IN) && !defined(TT_PROVED_MAX_FAN_IN)
#error "TT_MAX_FAN_IN is set but the selected config has no proved MAX_FAN_IN"
#elif defined(TT_MAX_FAN_IN)
TT_PROVED_STATIC_ASSERT(TT_MAX_FAN_IN <= TT_PROVED_MAX_FAN_IN, "TT_MAX_FAN_IN exceeds the proved limit");
#endif
#if defined(TT_MAX_FAN_OUT) && !defined(TT_PROVED_MAX_FAN_OUT)
#error "TT_MAX_FAN_OUT is set but the selected config has no proved MAX_FAN_OUT"
#elif defined(TT_MAX_FAN_OUT)
TT_PROVED_STATIC_ASSERT(TT_MAX_FAN_OUT <= TT_PROVED_MAX_FAN_OUT, "TT_MAX_FAN_OUT exceeds the proved limit");
#endif
#if defined(TT_MAX_BATCH) && !defined(TT_PROVED_MAX_BATCH)
#error "TT_MAX_BATCH is set but the selected config has no proved MAX_BATCH"
#elif defined(TT_MAX_BATCH)
TT_PROVED_STATIC_ASSERT(TT_MAX_BATCH <= TT_PROVED_MAX_BATCH, "TT_MAX_BATCH exceeds the proved limit");
#endif
#if defined(TT_MAX_CONV_PATCH) && !defined(TT_PROVED_MAX_CONV_PATCH)
#error "TT_MAX_CONV_PATCH is set but the selected config has no proved MAX_CONV_PATCH"
#elif defined(TT_MAX_CONV_PATCH)
TT_PROVED_STATIC_ASSERT(TT_MAX_CONV_PATCH <= TT_PROVED_MAX_CONV_PATCH, "TT_MAX_CONV_PATCH exceeds the proved limit");
#endif
#if defined(TT_MAX_CONV_BACKWARD_TERMS) && !defined(TT_PROVED_MAX_CONV_BACKWARD_TERMS)
#error "TT_MAX_CONV_BACKWARD_TERMS is set but the selected config has no proved MAX_CONV_BACKWARD_TERMS"
#elif defined(TT_MAX_CONV_BACKWARD_TERMS)
TT_PROVED_STATIC_ASSERT(TT_MAX_CONV_BACKWARD_TERMS <= TT_PROVED_MAX_CONV_BACKWARD_TERMS, "TT_MAX_CONV_BACKWARD_TERMS exceeds the proved limit");
#endif
#if defined(TT_MAX_CONV_GRADIENT_TERMS) && !defined(TT_PROVED_MAX_CONV_GRADIENT_TERMS)
#error "TT_MAX_CONV_GRADIENT_TERMS is set but the selected config has no proved MAX_CONV_GRADIENT_TERMS"
#elif defined(TT_MAX_CONV_GRADIENT_TERMS)
TT_PROVED_STATIC_ASSERT(TT_MAX_CONV_GRADIENT_TERMS <= TT_PROVED_MAX_CONV_GRADIENT_TERMS, "TT_MAX_CONV_GRADIENT_TERMS exceeds the proved limit");
#endif
#if defined(TT_MAX_CLASSES) && !defined(TT_PROVED_MAX_CLASSES)
#error "TT_MAX_CLASSES is set but the selected config has no proved MAX_CLASSES"
#elif defined(TT_MAX_CLASSES)
TT_PROVED_STATIC_ASSERT(TT_MAX_CLASSES <= TT_PROVED_MAX_CLASSES, "TT_MAX_CLASSES exceeds the proved limit");
#endif

#endif /* TT_PROVED_LIMITS_H */
