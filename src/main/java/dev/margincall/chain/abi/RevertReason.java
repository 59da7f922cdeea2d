package dev.margincall.chain.abi;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * Turns revert data into text: {@code Error(string)} (Aave reverts with its numeric error codes as
 * strings, e.g. "45" = health factor not below threshold), {@code Panic(uint256)}, or a custom error.
 * {@link #decode} gives the raw reason; {@link #parse} and {@link #describe} also name what an
 * {@link ErrorCatalog} knows: custom errors with their arguments, error-string codes by name.
 */
public final class RevertReason {

    static final String ERROR_SELECTOR = "0x08c379a0";
    static final String PANIC_SELECTOR = "0x4e487b71";

    /** Panic codes of the Solidity compiler (docs: "Panic via assert and Error via require"). */
    private static final Map<Integer, String> PANICS = Map.of(
            0x00, "generic compiler panic",
            0x01, "assertion failed",
            0x11, "arithmetic overflow or underflow",
            0x12, "division or modulo by zero",
            0x21, "invalid enum value",
            0x22, "corrupt storage byte array",
            0x31, "pop on an empty array",
            0x32, "array index out of bounds",
            0x41, "out of memory",
            0x51, "call to an uninitialised function");

    public enum Kind { NONE, ERROR_STRING, PANIC, CUSTOM_ERROR, UNKNOWN_CUSTOM_ERROR, MALFORMED }

    /**
     * A decoded revert.
     *
     * @param name      the custom error's name, the catalog's name of an error string ({@code HEALTH_FACTOR_NOT_BELOW_THRESHOLD}),
     *                  the panic's meaning; null when unknown
     * @param arguments a custom error's arguments by parameter name ({@link BigInteger}, {@link Address}, {@link Boolean}
     *                  or hex {@link String}); {@code message} of an error string; {@code code} of a panic
     * @param text      one readable line for logs and exceptions
     */
    public record Decoded(Kind kind, String name, Map<String, Object> arguments, String text) {

        public boolean is(String errorName) {
            return errorName.equals(name);
        }

        public Object argument(String parameter) {
            if (!arguments.containsKey(parameter)) {
                throw new IllegalArgumentException(text + " has no argument " + parameter);
            }
            return arguments.get(parameter);
        }
    }

    private RevertReason() {
    }

    /** The raw reason: the text of an {@code Error(string)} ("45"), "panic 0x11", or the custom error's selector. */
    public static String decode(String revertData) {
        return parse(revertData, ErrorCatalog.EMPTY).text();
    }

    /** One readable line, naming what {@code catalog} knows. */
    public static String describe(String revertData, ErrorCatalog catalog) {
        return parse(revertData, catalog).text();
    }

    @SuppressWarnings("rawtypes")
    public static Decoded parse(String revertData, ErrorCatalog catalog) {
        if (revertData == null || revertData.length() < 10) {
            return new Decoded(Kind.NONE, null, Map.of(), "reverted without a reason");
        }
        String selector = revertData.substring(0, 10).toLowerCase(Locale.ROOT);
        String body = "0x" + revertData.substring(10);
        try {
            if (selector.equals(ERROR_SELECTOR)) {
                List<Type> values = Abi.decode(body, new TypeReference<Utf8String>() { });
                String message = (String) values.get(0).getValue();
                String name = catalog.errorStringName(message);
                return new Decoded(Kind.ERROR_STRING, name, Map.of("message", message),
                        name == null ? message : name + " (error \"" + message + "\")");
            }
            if (selector.equals(PANIC_SELECTOR)) {
                BigInteger code = (BigInteger) Abi.decode(body, new TypeReference<Uint256>() { }).get(0).getValue();
                String meaning = code.bitLength() <= 8 ? PANICS.get(code.intValue()) : null;
                return new Decoded(Kind.PANIC, meaning, Map.of("code", code),
                        "panic 0x" + code.toString(16) + (meaning == null ? "" : " (" + meaning + ")"));
            }
            ErrorCatalog.CustomError known = catalog.customError(selector);
            if (known != null) {
                return customError(known, body, revertData);
            }
        } catch (RuntimeException malformed) {
            return new Decoded(Kind.MALFORMED, null, Map.of(), "malformed revert data " + Abi.abbreviate(revertData));
        }
        return new Decoded(Kind.UNKNOWN_CUSTOM_ERROR, null, Map.of(),
                "custom error " + selector + (revertData.length() > 10 ? " with data " + Abi.abbreviate(body) : ""));
    }

    /** The Aave error code ("45") when the revert is an Aave {@code Error(string)}, else null. */
    public static String aaveErrorCode(String revertData) {
        String reason = decode(revertData);
        return reason.matches("\\d{1,3}") ? reason : null;
    }

    /** Arguments of static types (uint, int, address, bool, bytesN) are decoded; others are shown as raw data. */
    private static Decoded customError(ErrorCatalog.CustomError error, String body, String revertData) {
        if (!error.types().stream().allMatch(RevertReason::isStatic)) {
            return new Decoded(Kind.CUSTOM_ERROR, error.name(), Map.of(), error.name() + " with data " + Abi.abbreviate(body));
        }
        if (Words.count(body) < error.types().size()) {
            throw new IllegalArgumentException("too short for " + error.signature() + ": " + revertData);
        }
        Map<String, Object> arguments = new LinkedHashMap<>();
        StringJoiner text = new StringJoiner(", ", error.name() + "(", ")");
        for (int i = 0; i < error.types().size(); i++) {
            Object value = word(error.types().get(i), body, i);
            arguments.put(error.parameterNames().get(i), value);
            text.add(error.parameterNames().get(i) + "=" + value);
        }
        return new Decoded(Kind.CUSTOM_ERROR, error.name(), java.util.Collections.unmodifiableMap(arguments), text.toString());
    }

    private static boolean isStatic(String type) {
        return type.equals("address") || type.equals("bool") || type.matches("u?int\\d*") || type.matches("bytes\\d+");
    }

    private static Object word(String type, String data, int index) {
        if (type.equals("address")) {
            return Words.address(data, index);
        }
        if (type.equals("bool")) {
            return Words.bool(data, index);
        }
        BigInteger raw = Words.uint(data, index);
        if (type.startsWith("int")) {
            return raw.testBit(255) ? raw.subtract(BigInteger.ONE.shiftLeft(256)) : raw;
        }
        if (type.startsWith("uint")) {
            return raw;
        }
        return "0x" + String.format("%064x", raw); // bytesN: the word as is
    }
}
