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

    /** Alchemy, Infura, thirdweb: "[0x1, 0x2]". */
    private static final Pattern SUGGESTED_HEX = Pattern.compile("\\[(0x[0-9a-fA-F]+),\\s*(0x[0-9a-fA-F]+)]");
    /** reth, drpc, BlastAPI: "retry with the range 100-200" (decimal). */
    private static final Pattern SUGGESTED_DECIMAL = Pattern.compile("retry with the range (\\d+)-(\\d+)");

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
        Matcher hex = SUGGESTED_HEX.matcher(message);
        if (hex.find()) {
            return endIfFrom(Long.parseLong(hex.group(1).substring(2), 16), Long.parseLong(hex.group(2).substring(2), 16), from);
        }
        Matcher decimal = SUGGESTED_DECIMAL.matcher(message);
        if (decimal.find()) {
            return endIfFrom(Long.parseLong(decimal.group(1)), Long.parseLong(decimal.group(2)), from);
        }
        return OptionalLong.empty();
    }

    private static OptionalLong endIfFrom(long start, long end, long from) {
        return start == from && end >= from ? OptionalLong.of(end) : OptionalLong.empty();
    }
}
