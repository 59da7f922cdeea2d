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
        String digits = Hex.strip(data);
        int start = index * 64;
        if (digits.length() < start + 64) {
            throw new IllegalArgumentException("return data has " + count(data) + " words, word " + index + " asked");
        }
        return new BigInteger(digits.substring(start, start + 64), 16);
    }

    public static Address address(String data, int index) {
        String digits = Hex.strip(data);
        return Address.of("0x" + digits.substring(index * 64 + 24, index * 64 + 64));
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
