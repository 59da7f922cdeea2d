package dev.margincall.chain.abi;

import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Int256;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Hash;

/**
 * ABI encoding on top of web3j's codec. Calls are named by their canonical Solidity signature
 * (e.g. {@code "supply(address,uint256,address,uint16)"}): the selector is computed from that text,
 * so what is sent is exactly what the signature says, structs and arrays of structs included.
 */
public final class Abi {

    private Abi() {
    }

    /** Calldata: the 4-byte selector of {@code signature} followed by the encoded arguments. */
    public static String call(String signature, Type<?>... args) {
        return selector(signature) + encodeArguments(args);
    }

    /** {@code 0x} + 8 hex digits. */
    public static String selector(String signature) {
        return Hex.of(Arrays.copyOf(Hash.sha3(signature.getBytes(StandardCharsets.US_ASCII)), 4));
    }

    /** keccak256 of an event signature: its topic0. */
    public static String topic(String eventSignature) {
        return Hex.of(Hash.sha3(eventSignature.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Encoded arguments without a selector (constructor arguments are appended to init code). */
    public static String encodeArguments(Type<?>... args) {
        return FunctionEncoder.encodeConstructor(List.of(args));
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    public static List<Type> decode(String returnData, TypeReference<?>... outputs) {
        List<TypeReference<Type>> refs = (List) List.of(outputs);
        List<Type> values = FunctionReturnDecoder.decode(returnData, refs);
        if (values.size() != outputs.length) {
            throw new IllegalArgumentException("return data " + abbreviate(returnData) + " does not decode as " + outputs.length + " values");
        }
        return values;
    }

    public static BigInteger decodeUint(String returnData) {
        return (BigInteger) decode(returnData, new TypeReference<Uint256>() { }).get(0).getValue();
    }

    public static String decodeString(String returnData) {
        return (String) decode(returnData, new TypeReference<Utf8String>() { }).get(0).getValue();
    }

    public static Address decodeAddress(String returnData) {
        return Address.of((String) decode(returnData, new TypeReference<org.web3j.abi.datatypes.Address>() { }).get(0).getValue());
    }

    public static org.web3j.abi.datatypes.Address address(Address address) {
        return new org.web3j.abi.datatypes.Address(address.hex());
    }

    public static Uint256 uint(BigInteger value) {
        return new Uint256(value);
    }

    public static Uint256 uint(long value) {
        return new Uint256(BigInteger.valueOf(value));
    }

    public static Int256 int256(BigInteger value) {
        return new Int256(value);
    }

    public static Uint8 uint8(int value) {
        return new Uint8(BigInteger.valueOf(value));
    }

    public static Uint16 uint16(int value) {
        return new Uint16(BigInteger.valueOf(value));
    }

    public static Bool bool(boolean value) {
        return new Bool(value);
    }

    public static Utf8String string(String value) {
        return new Utf8String(value);
    }

    public static DynamicBytes bytes(String hex) {
        return new DynamicBytes(Hex.bytes(hex));
    }

    static String abbreviate(String hex) {
        return hex == null || hex.length() <= 74 ? String.valueOf(hex) : hex.substring(0, 74) + "…";
    }
}
