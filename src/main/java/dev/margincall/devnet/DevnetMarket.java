package dev.margincall.devnet;

import java.util.List;

/** One Aave market of a running devnet: what it was meant to be, what was deployed, and who borrows in it. */
public record DevnetMarket(MarketSpec spec, Deployment.AaveMarket deployed, List<SeededBorrower> borrowers) {

    public DevnetMarket {
        borrowers = List.copyOf(borrowers);
    }

    public String name() {
        return spec.name();
    }
}
