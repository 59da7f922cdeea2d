package dev.margincall.protocol.morphoblue.model;

import java.math.BigInteger;

/**
 * One account in one market as {@code Morpho.position(id, user)} returns it (struct Position,
 * src/interfaces/IMorpho.sol:16): supply and borrow shares, collateral in the collateral token's smallest unit.
 */
public record PositionState(BigInteger supplyShares, BigInteger borrowShares, BigInteger collateral) {

    public static final PositionState EMPTY = new PositionState(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO);
}
