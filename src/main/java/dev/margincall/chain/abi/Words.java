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

    public static boolean bool(String data, int index) {
        return uint(data, index).signum() != 0;
    }
}
