package dev.margincall.risk;

import dev.margincall.core.Address;
import dev.margincall.protocol.spi.RiskAsset;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.spi.ShockedMarket;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Assets whose prices fall together, the others unchanged: one asset, or every non-stable one (the correlated crash). */
record Scenario(String name, String kind, boolean[] falls) {

    static Scenario asset(RiskSnapshot snapshot, int asset) {
        boolean[] falls = new boolean[snapshot.assets().size()];
        falls[asset] = true;
        return new Scenario(snapshot.assets().get(asset).symbol(), "asset", falls);
    }

    static Scenario correlated(boolean[] nonStable) {
        return new Scenario("correlated", "correlated", nonStable.clone());
    }

    /** A price after a fall of {@code dropBps}, rounded down as a feed answer would be (and as the devnet's {@code MarketMover} sets it). */
    static BigInteger fallen(BigInteger price, long dropBps) {
        return price.multiply(BigInteger.valueOf(10_000 - dropBps)).divide(BigInteger.valueOf(10_000));
    }

    /** The falling assets' prices after {@code dropBps}, by asset. */
    Map<Address, BigInteger> prices(RiskSnapshot snapshot, long dropBps) {
        Map<Address, BigInteger> prices = new HashMap<>();
        for (int a = 0; a < falls.length; a++) {
            if (falls[a]) {
                RiskAsset asset = snapshot.assets().get(a);
                prices.put(asset.asset(), fallen(asset.price(), dropBps));
            }
        }
        return prices;
    }

    Map<String, BigInteger> pricesBySymbol(RiskSnapshot snapshot, long dropBps) {
        Map<String, BigInteger> out = new LinkedHashMap<>();
        for (int a = 0; a < falls.length; a++) {
            if (falls[a]) {
                out.put(snapshot.assets().get(a).symbol(), fallen(snapshot.assets().get(a).price(), dropBps));
            }
        }
        return out;
    }

    ShockedMarket at(RiskSnapshot snapshot, long dropBps) {
        return snapshot.at(prices(snapshot, dropBps));
    }

    List<String> symbols(RiskSnapshot snapshot) {
        List<String> out = new ArrayList<>();
        for (int a = 0; a < falls.length; a++) {
            if (falls[a]) {
                out.add(snapshot.assets().get(a).symbol());
            }
        }
        return out;
    }
}
