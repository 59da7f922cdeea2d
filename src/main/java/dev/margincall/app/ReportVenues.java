package dev.margincall.app;

import dev.margincall.protocol.spi.RiskAsset;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.risk.Venue;
import dev.margincall.strategy.PoolReserves;
import dev.margincall.strategy.SwapMarket;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the cascade sells each asset's seized collateral: of the Uniswap V2 pools between it and another
 * asset the market lists, the one whose other side is worth the most (the deepest).
 */
final class ReportVenues {

    /** Uniswap V2's swap fee. */
    static final int UNISWAP_V2_FEE_BPS = 30;

    private ReportVenues() {
    }

    static List<Venue> of(RiskSnapshot snapshot, SwapMarket pools) {
        List<Venue> venues = new ArrayList<>();
        for (RiskAsset asset : snapshot.assets()) {
            Venue best = null;
            BigInteger bestDepth = BigInteger.ZERO;
            for (RiskAsset other : snapshot.assets()) {
                PoolReserves reserves = other.equals(asset) ? null : pools.pools().get(new SwapMarket.TokenPair(asset.asset(), other.asset()));
                if (reserves == null || reserves.reserveIn().signum() == 0 || reserves.reserveOut().signum() == 0) {
                    continue;
                }
                BigInteger depth = reserves.reserveOut().multiply(other.price()).divide(BigInteger.TEN.pow(other.decimals()));
                if (depth.compareTo(bestDepth) > 0) {
                    bestDepth = depth;
                    best = new Venue("Uniswap V2 " + asset.symbol() + "/" + other.symbol(), asset.asset(), other.asset(), reserves.reserveIn(),
                            reserves.reserveOut(), UNISWAP_V2_FEE_BPS);
                }
            }
            if (best != null) {
                venues.add(best);
            }
        }
        return venues;
    }
}
