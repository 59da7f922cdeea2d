package dev.margincall.chain.abi;

import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;

/**
 * Reads 32-byte words out of ABI-encoded return data of static types (uint, address, bool), by
 * index: fast and exact, without building web3j type objects.
 */
public final class Words {

    private Words() {
    }

    public static int count(String data) {
        return Hex.strip(data).length() / 64;
    }

    public static BigInteger uint(String data, int index) {
        // read in place: a Multicall3 answer is decoded word by word, and copying the whole answer (or the word) for each
        // word made decoding the head's read quadratic in its size
        int start = prefix(data) + index * 64;
        if (data.length() < start + 64) {
            throw new IllegalArgumentException("return data has " + count(data) + " words, word " + index + " asked");
        }
        return new BigInteger(1, HEX.parseHex(data, start, start + 64));
    }

    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    /** Characters before the first digit: 2 for a "0x" prefix. */
    private static int prefix(String data) {
        return data.startsWith("0x") || data.startsWith("0X") ? 2 : 0;
    }

    public static Address address(String data, int index) {
        int start = prefix(data) + index * 64;
        return Address.of("0x" + data.substring(start + 24, start + 64));
    }

    /** A returned {@code address[]} (the only return value: offset word, length word, items). */
    public static java.util.List<Address> addresses(String data) {
        int start = uint(data, 0).intValueExact() / 32;
        int length = uint(data, start).intValueExact();
        java.util.List<Address> out = new java.util.ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            out.add(address(data, start + 1 + i));
        }
        return out;
    }

    /** A returned {@code uint256[]} (the only return value). */
    public static java.util.List<BigInteger> uints(String data) {
        int start = uint(data, 0).intValueExact() / 32;
        int length = uint(data, start).intValueExact();
        java.util.List<BigInteger> out = new java.util.ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            out.add(uint(data, start + 1 + i));
        }
        return out;
    }

    public static boolean bool(String data, int index) {
        return uint(data, index).signum() != 0;
    }
}
