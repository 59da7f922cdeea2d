package dev.margincall.protocol.spi;

import dev.margincall.core.Address;
import java.math.BigInteger;

/** An asset a market lists: its token, display symbol, decimals and price (one whole token in the market's value unit). */
public record RiskAsset(Address asset, String symbol, int decimals, BigInteger price) {
}
