package dev.margincall.chain.logs;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The block span of the next {@code eth_getLogs}: halves when the provider refuses or times out, grows
 * by half again after each success, never above the cap. When the provider's message suggests a
 * range (Alchemy: "this block range should work: [0x1, 0x2]"), that range is taken.
 */
final class RangeSizer {

    private static final Pattern SUGGESTED = Pattern.compile("\\[(0x[0-9a-fA-F]+),\\s*(0x[0-9a-fA-F]+)]");

    private final long max;
    private long span;

    RangeSizer(long initial, long max) {
        if (initial < 1 || max < initial) {
            throw new IllegalArgumentException("log range sizes must satisfy 1 <= initial <= max, got " + initial + ", " + max);
        }
        this.span = initial;
        this.max = max;
    }

    long span() {
        return span;
    }

    void succeeded(int logsReturned, int logsPerCallLimit) {
        // Close to the provider's result cap: the next range of the same span would likely be refused.
        if (logsReturned < logsPerCallLimit / 2) {
            span = Math.min(max, span + Math.max(1, span / 2));
        }
    }

    /** Shrinks after a refusal; false when the span is already one block (nothing left to split). */
    boolean refused(long from, String providerMessage) {
        if (span == 1) {
            return false;
        }
        OptionalLong suggestedEnd = suggestedEnd(providerMessage, from);
        span = suggestedEnd.isPresent()
                ? Math.max(1, Math.min(span - 1, suggestedEnd.getAsLong() - from + 1))
                : Math.max(1, span / 2);
        return true;
    }

    static OptionalLong suggestedEnd(String message, long from) {
        if (message == null) {
            return OptionalLong.empty();
        }
        Matcher matcher = SUGGESTED.matcher(message);
        if (matcher.find()) {
            long start = Long.parseLong(matcher.group(1).substring(2), 16);
            long end = Long.parseLong(matcher.group(2).substring(2), 16);
            if (start == from && end >= from) {
                return OptionalLong.of(end);
            }
        }
        return OptionalLong.empty();
    }
}
