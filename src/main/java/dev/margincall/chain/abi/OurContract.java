package dev.margincall.chain.abi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.core.Address;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;

/**
 * What our own liquidator contracts ({@code contracts/*.sol}: FlashLiquidator, MorphoLiquidator) share: the init code
 * the build compiles onto the classpath, and the owner-only functions every one of them has.
 */
public final class OurContract {

    private OurContract() {
    }

    /** The compiled init code of {@code artifact} (a classpath resource written by {@code contracts/build.js}), without constructor arguments. */
    public static String initCode(String artifact) {
        try (InputStream in = OurContract.class.getResourceAsStream(artifact)) {
            if (in == null) {
                throw new IllegalStateException("compiled contract " + artifact + " is not on the classpath: build with `bin/mvn package` "
                        + "(contracts/build.js compiles contracts/*.sol)");
            }
            JsonNode bytecode = new ObjectMapper().readTree(in).path("bytecode");
            if (!bytecode.isTextual() || bytecode.asText().length() <= 2) {
                throw new IllegalStateException(artifact + " has no bytecode");
            }
            return bytecode.asText().startsWith("0x") ? bytecode.asText() : "0x" + bytecode.asText();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + artifact + ": " + e.getMessage(), e);
        }
    }

    /** {@code owner()}: the keeper's signer that deployed it. */
    public static String owner() {
        return Abi.call("owner()");
    }

    /** {@code rescue(token, to, amount)}: stray tokens out (owner only). */
    public static String rescue(Address token, Address to, BigInteger amount) {
        return Abi.call("rescue(address,address,uint256)", Abi.address(token), Abi.address(to), Abi.uint(amount));
    }

    /** {@code rescueEth(to, amount)}: forced-in ETH out (owner only). */
    public static String rescueEth(Address to, BigInteger amount) {
        return Abi.call("rescueEth(address,uint256)", Abi.address(to), Abi.uint(amount));
    }
}
