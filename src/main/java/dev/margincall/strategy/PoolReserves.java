package dev.margincall.strategy;

import java.math.BigInteger;

/** One Uniswap V2 pool's reserves, oriented for a swap: what goes in, what comes out. */
public record PoolReserves(BigInteger reserveIn, BigInteger reserveOut) {
}
