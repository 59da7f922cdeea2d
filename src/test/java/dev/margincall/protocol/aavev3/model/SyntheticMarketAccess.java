package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.Map;
import java.util.Random;

/** The synthetic market of the model tests, for the benchmarks. */
public final class SyntheticMarketAccess {

    public static final long T0 = SyntheticMarket.T0;

    private SyntheticMarketAccess() {
    }

    public static Market market() {
        return SyntheticMarket.market();
    }

    public static Map<Address, BigInteger> prices() {
        return SyntheticMarket.prices();
    }

    public static Position randomPosition(Address account, Random random) {
        return SyntheticMarket.randomPosition(account, random);
    }
}
