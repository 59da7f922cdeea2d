package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

/**
 * What every account's evaluation at one block shares, computed once: per reserve id its normalized
 * income and debt at the block timestamp, its oracle price and its unit; per eMode category its own
 * price when it has a price source (3.0 only). Arrays by reserve id, so the per-account loop does no lookups.
 */
public final class BlockContext {

    final Market market;
    final long timestamp;
    final BigInteger[] income;
    final BigInteger[] debt;
    final BigInteger[] price;
    final BigInteger[] unit;
    /** price / unit as a double, for screens that only need to know where an exact figure lies ({@link LargestLiquidation}). */
    final double[] pricePerUnit;
    final Map<Integer, BigInteger> eModePrice = new HashMap<>();

    public BlockContext(Market market, Map<Address, BigInteger> prices, long timestamp) {
        this.market = market;
        this.timestamp = timestamp;
        int count = market.reservesCount();
        income = new BigInteger[count];
        debt = new BigInteger[count];
        price = new BigInteger[count];
        unit = new BigInteger[count];
        pricePerUnit = new double[count];
        for (int id = 0; id < count; id++) {
            Reserve reserve = market.reservesById().get(id);
            if (reserve != null) {
                income[id] = reserve.normalizedIncome(timestamp);
                debt[id] = reserve.normalizedDebt(timestamp, market.rules());
                price[id] = requirePrice(prices, reserve.asset());
                unit[id] = reserve.unit();
                pricePerUnit[id] = price[id].doubleValue() / unit[id].doubleValue();
            }
        }
        for (EModeCategory category : market.eModeCategories().values()) {
            if (!category.priceSource().isZero()) {
                eModePrice.put(category.id(), requirePrice(prices, category.priceSource()));
            }
        }
    }

    public long timestamp() {
        return timestamp;
    }

    public Market market() {
        return market;
    }

    private static BigInteger requirePrice(Map<Address, BigInteger> prices, Address asset) {
        BigInteger value = prices.get(asset);
        if (value == null) {
            throw new IllegalArgumentException("no oracle price for " + asset + ": load prices for every reserve and eMode source");
        }
        return value;
    }
}
