package dev.margincall.core;

import java.math.BigInteger;
import java.util.HexFormat;

/** 0x-prefixed hex conversions used wherever bytes meet JSON-RPC. */
public final class Hex {

    private Hex() {
    }

    public static String of(byte[] bytes) {
        return "0x" + HexFormat.of().formatHex(bytes);
    }

    public static byte[] bytes(String hex) {
        String digits = strip(hex);
        if (digits.length() % 2 != 0) {
            digits = "0" + digits;
        }
        return HexFormat.of().parseHex(digits);
    }

    public static String strip(String hex) {
        return hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    }

    public static BigInteger toBigInteger(String hex) {
        String digits = strip(hex);
        return digits.isEmpty() ? BigInteger.ZERO : new BigInteger(digits, 16);
    }

    public static long toLong(String hex) {
        return toBigInteger(hex).longValueExact();
    }

    public static String quantity(BigInteger value) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("a JSON-RPC quantity cannot be negative: " + value);
        }
        return "0x" + value.toString(16);
    }

    public static String quantity(long value) {
        return quantity(BigInteger.valueOf(value));
    }

    /** A 32-byte word, left-padded, for storage slots and values. */
    public static String word(BigInteger value) {
        BigInteger unsigned = value.signum() < 0 ? value.add(BigInteger.ONE.shiftLeft(256)) : value;
        String digits = unsigned.toString(16);
        if (digits.length() > 64) {
            throw new IllegalArgumentException("value does not fit in 32 bytes: " + value);
        }
        return "0x" + "0".repeat(64 - digits.length()) + digits;
    }
}
