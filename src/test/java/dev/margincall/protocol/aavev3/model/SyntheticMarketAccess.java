package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.Map;
import java.util.Random;

/**
 * The benchmarks' synthetic market (the spec): eight reserves, accounts holding 2–4 of them, WBTC
 * (reserve 2) used by about one account in ten.
 */
public final class SyntheticMarketAccess {

    public static final long T0 = SyntheticMarket.T0;
    public static final int RESERVES = 8;
    /** WBTC: the asset the incremental benchmark moves. */
    public static final int MOVED_RESERVE = 2;

    private SyntheticMarketAccess() {
    }

    public static Market market() {
        return SyntheticMarket.market(RESERVES);
    }

    public static Map<Address, BigInteger> prices() {
        return SyntheticMarket.prices(RESERVES);
    }

    public static Position randomPosition(Address account, Random random) {
        return SyntheticMarket.specPosition(account, random);
    }
}
