package dev.margincall.protocol.morphoblue;

import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Hash;

/**
 * A Morpho Blue market's immutable parameters (struct MarketParams, src/interfaces/IMorpho.sol:6): five static
 * words, so a call's {@code (address,address,address,address,uint256)} argument is those words inline.
 */
public record MarketParams(Address loanToken, Address collateralToken, Address oracle, Address irm, BigInteger lltv) {

    /** Solidity's signature of the struct, for function and event signatures. */
    public static final String TUPLE = "(address,address,address,address,uint256)";

    /** The five words starting at word {@code index} of ABI-encoded data. */
    public static MarketParams decode(String data, int index) {
        return new MarketParams(Words.address(data, index), Words.address(data, index + 1), Words.address(data, index + 2),
                Words.address(data, index + 3), Words.uint(data, index + 4));
    }

    /** The market id: keccak256 of the five words (MarketParamsLib.id, src/libraries/MarketParamsLib.sol:16), 0x + 64 hex digits. */
    public String id() {
        return Hex.of(Hash.sha3(Hex.bytes(Abi.encodeArguments(fields()))));
    }

    /** The fields in order, then {@code more}: the arguments of {@code f((address,address,address,address,uint256),...)}. */
    public Type<?>[] with(Type<?>... more) {
        Type<?>[] fields = fields();
        Type<?>[] all = new Type<?>[fields.length + more.length];
        System.arraycopy(fields, 0, all, 0, fields.length);
        System.arraycopy(more, 0, all, fields.length, more.length);
        return all;
    }

    private Type<?>[] fields() {
        return new Type<?>[] {Abi.address(loanToken), Abi.address(collateralToken), Abi.address(oracle), Abi.address(irm), Abi.uint(lltv)};
    }
}
