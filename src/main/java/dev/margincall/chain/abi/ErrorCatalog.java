package dev.margincall.chain.abi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a set of contracts may revert with, so {@link RevertReason#parse} can name it: custom errors
 * (by their Solidity declaration, parameter names included, e.g.
 * {@code "InsufficientProfit(uint256 profit, uint256 minProfit)"}) and the meaning of
 * {@code Error(string)} texts that are codes (Aave's "45" is {@code HEALTH_FACTOR_NOT_BELOW_THRESHOLD}).
 * The protocol packages own their catalogs; the chain layer only reads them.
 */
public final class ErrorCatalog {

    public static final ErrorCatalog EMPTY = new ErrorCatalog(Map.of(), Map.of());

    /** A custom error: its name and its parameters' types and names, in order. */
    public record CustomError(String name, List<String> types, List<String> parameterNames) {

        /** The canonical signature the selector is hashed from: {@code InsufficientProfit(uint256,uint256)}. */
        public String signature() {
            return name + "(" + String.join(",", types) + ")";
        }

        public String selector() {
            return Abi.selector(signature());
        }
    }

    private final Map<String, CustomError> bySelector;
    private final Map<String, String> errorStrings;

    private ErrorCatalog(Map<String, CustomError> bySelector, Map<String, String> errorStrings) {
        this.bySelector = Collections.unmodifiableMap(bySelector);
        this.errorStrings = Collections.unmodifiableMap(errorStrings);
    }

    /** Custom errors from their declarations, e.g. {@code "NotOwner()"}, {@code "TokenCallFailed(address token)"}. */
    public static ErrorCatalog customErrors(String... declarations) {
        Map<String, CustomError> errors = new LinkedHashMap<>();
        for (String declaration : declarations) {
            CustomError error = parseDeclaration(declaration);
            errors.put(error.selector(), error);
        }
        return new ErrorCatalog(errors, Map.of());
    }

    /** Names for {@code Error(string)} texts: text → name. */
    public static ErrorCatalog errorStrings(Map<String, String> names) {
        return new ErrorCatalog(Map.of(), new LinkedHashMap<>(names));
    }

    /** Both catalogs; on a clash {@code other} wins. */
    public ErrorCatalog with(ErrorCatalog other) {
        Map<String, CustomError> errors = new LinkedHashMap<>(bySelector);
        errors.putAll(other.bySelector);
        Map<String, String> strings = new LinkedHashMap<>(errorStrings);
        strings.putAll(other.errorStrings);
        return new ErrorCatalog(errors, strings);
    }

    /** The custom error with this 4-byte selector ({@code 0x} + 8 hex digits), or null. */
    public CustomError customError(String selector) {
        return bySelector.get(selector.toLowerCase(Locale.ROOT));
    }

    /** The name of an {@code Error(string)} text, or null. */
    public String errorStringName(String text) {
        return errorStrings.get(text);
    }

    static CustomError parseDeclaration(String declaration) {
        String text = declaration.strip();
        int open = text.indexOf('(');
        if (open <= 0 || !text.endsWith(")")) {
            throw new IllegalArgumentException("not an error declaration: \"" + declaration + "\" (expected e.g. \"NotOwner()\" or \"Shortfall(uint256 owed)\")");
        }
        String name = text.substring(0, open).strip();
        String inside = text.substring(open + 1, text.length() - 1).strip();
        List<String> types = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (!inside.isEmpty()) {
            for (String parameter : inside.split(",")) {
                String[] parts = parameter.strip().split("\\s+");
                if (parts.length > 2 || parts[0].isEmpty()) {
                    throw new IllegalArgumentException("cannot read parameter \"" + parameter.strip() + "\" of \"" + declaration + "\"");
                }
                types.add(canonicalType(parts[0]));
                names.add(parts.length == 2 ? parts[1] : "arg" + types.size());
            }
        }
        return new CustomError(name, List.copyOf(types), List.copyOf(names));
    }

    private static String canonicalType(String type) {
        return switch (type) {
            case "uint" -> "uint256";
            case "int" -> "int256";
            default -> type;
        };
    }
}
