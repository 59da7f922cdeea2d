package dev.margincall.devnet;

import java.math.BigInteger;

/** An amount of one reserve's token, in the token's smallest unit. */
public record Holding(String symbol, BigInteger amount) {
}
