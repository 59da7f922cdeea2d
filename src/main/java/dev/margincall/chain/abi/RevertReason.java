package dev.margincall.chain.abi;

import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * Turns revert data into text: {@code Error(string)} (Aave reverts with its numeric error codes as
 * strings, e.g. "45" = health factor not below threshold), {@code Panic(uint256)}, or the selector of
 * a custom error.
 */
public final class RevertReason {

    static final String ERROR_SELECTOR = "0x08c379a0";
    static final String PANIC_SELECTOR = "0x4e487b71";

    private RevertReason() {
    }

    @SuppressWarnings("rawtypes")
    public static String decode(String revertData) {
        if (revertData == null || revertData.length() < 10) {
            return "reverted without a reason";
        }
        String selector = revertData.substring(0, 10).toLowerCase(java.util.Locale.ROOT);
        String body = "0x" + revertData.substring(10);
        try {
            if (selector.equals(ERROR_SELECTOR)) {
                List<Type> values = Abi.decode(body, new TypeReference<Utf8String>() { });
                return (String) values.get(0).getValue();
            }
            if (selector.equals(PANIC_SELECTOR)) {
                BigInteger code = (BigInteger) Abi.decode(body, new TypeReference<Uint256>() { }).get(0).getValue();
                return "panic 0x" + code.toString(16);
            }
        } catch (RuntimeException malformed) {
            return "malformed revert data " + Abi.abbreviate(revertData);
        }
        return "custom error " + selector + (revertData.length() > 10 ? " with data " + Abi.abbreviate(body) : "");
    }

    /** The Aave error code ("45") when the revert is an Aave {@code Error(string)}, else null. */
    public static String aaveErrorCode(String revertData) {
        String reason = decode(revertData);
        return reason.matches("\\d{1,3}") ? reason : null;
    }
}
