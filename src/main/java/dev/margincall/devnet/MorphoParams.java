package dev.margincall.devnet;

import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;

/**
 * Morpho Blue's {@code MarketParams} (src/interfaces/IMorpho.sol) as the devnet sends it: a struct of five static
 * words, so in calldata it is those five words inline and its fields can be passed as five arguments.
 */
public record MorphoParams(Address loanToken, Address collateralToken, Address oracle, Address irm, BigInteger lltv) {

    public static MorphoParams of(Deployment.MorphoMarket market) {
        return new MorphoParams(market.loanToken(), market.collateralToken(), market.oracle(), market.irm(), market.lltv());
    }

    /** The tuple's five fields, to splice into a call's arguments. */
    public Type<?>[] fields() {
        return new Type<?>[] {Abi.address(loanToken), Abi.address(collateralToken), Abi.address(oracle), Abi.address(irm), Abi.uint(lltv)};
    }

    /** MarketParamsLib.id: keccak256 of the five words (src/libraries/MarketParamsLib.sol), 0x + 64 hex digits. */
    public String id() {
        return Hex.of(Hash.sha3(Hex.bytes(Abi.encodeArguments(fields()))));
    }

    /** The params, then {@code suffix}: the arguments of {@code f((address,address,address,address,uint256),...)}. */
    public Type<?>[] with(Type<?>... suffix) {
        Type<?>[] fields = fields();
        Type<?>[] all = new Type<?>[fields.length + suffix.length];
        System.arraycopy(fields, 0, all, 0, fields.length);
        System.arraycopy(suffix, 0, all, fields.length, suffix.length);
        return all;
    }
}
