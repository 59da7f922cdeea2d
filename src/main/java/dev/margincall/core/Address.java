package dev.margincall.core;

import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;
import org.web3j.crypto.Hash;

/**
 * A 20-byte account or contract address. Stored lower-case; {@link #toString()} gives the EIP-55
 * checksummed form, which is what we print and write.
 */
public record Address(String hex) implements Comparable<Address> {

    private static final Pattern HEX_40 = Pattern.compile("0x[0-9a-fA-F]{40}");
    public static final Address ZERO = new Address("0x0000000000000000000000000000000000000000");

    public Address {
        if (hex == null || !HEX_40.matcher(hex).matches()) {
            throw new IllegalArgumentException("not an address: '" + hex + "' (expected 0x followed by 40 hex digits)");
        }
        hex = hex.toLowerCase(Locale.ROOT);
    }

    public static Address of(String hex) {
        return new Address(hex);
    }

    /** The last 20 bytes of a 32-byte word or of a longer byte string (e.g. a keccak hash). */
    public static Address fromTail(byte[] bytes) {
        if (bytes.length < 20) {
            throw new IllegalArgumentException("need at least 20 bytes for an address, got " + bytes.length);
        }
        return new Address("0x" + HexFormat.of().formatHex(bytes, bytes.length - 20, bytes.length));
    }

    /**
     * Parses an address and, when it is written in mixed case, checks its EIP-55 checksum: a typo
     * in a configured address must not silently point the keeper at the wrong contract.
     */
    public static Address parseChecked(String text) {
        Address address = new Address(text);
        String digits = text.substring(2);
        boolean mixedCase = !digits.equals(digits.toLowerCase(Locale.ROOT)) && !digits.equals(digits.toUpperCase(Locale.ROOT));
        if (mixedCase && !address.checksummed().equals(text)) {
            throw new IllegalArgumentException("address " + text + " has a wrong EIP-55 checksum (expected " + address.checksummed() + ")");
        }
        return address;
    }

    public byte[] toBytes() {
        return HexFormat.of().parseHex(hex.substring(2));
    }

    /** EIP-55: a hex digit is upper-cased when the matching nibble of keccak256(lower-case hex) is ≥ 8. */
    public String checksummed() {
        String digits = hex.substring(2);
        byte[] hash = Hash.sha3(digits.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder("0x");
        for (int i = 0; i < digits.length(); i++) {
            int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf;
            char c = digits.charAt(i);
            out.append(nibble >= 8 ? Character.toUpperCase(c) : c);
        }
        return out.toString();
    }

    public boolean isZero() {
        return equals(ZERO);
    }

    @Override
    public int compareTo(Address other) {
        return hex.compareTo(other.hex);
    }

    @Override
    public String toString() {
        return checksummed();
    }
}
