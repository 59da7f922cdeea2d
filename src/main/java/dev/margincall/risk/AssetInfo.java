package dev.margincall.risk;

import dev.margincall.core.Address;
import java.math.BigInteger;

/** A listed asset: price in the value unit and in USD; {@code stable} when its price is within 5 % of one dollar (it does not fall in the correlated crash). */
public record AssetInfo(Address asset, String symbol, int decimals, BigInteger price, double priceUsd, boolean stable) {
}
