package dev.margincall.app;

import dev.margincall.core.Address;
import dev.margincall.protocol.spi.Quote;
import dev.margincall.protocol.spi.RiskAsset;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.spi.ShockedMarket;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Accounts to rehearse a liquidation with ({@link Keeper}'s start rehearsal): real positions of the market, quoted by the
 * protocol's own rules at a price they would be liquidated at (one asset at half its price, asset after asset), so that
 * planning, encoding, signing and the journal's serialization run once on real objects before a crash needs them. Pure:
 * a copy of the book in, quotes out.
 */
final class RehearsalCandidates {

    /** Accounts looked at per shocked asset: enough to find a few liquidatable ones, few enough to cost little at start. */
    private static final int ACCOUNTS_PER_ASSET = 500;

    record Candidate(Address account, List<Quote> quotes) {
    }

    private RehearsalCandidates() {
    }

    /** Up to {@code wanted} accounts with quotes, each asset of the snapshot halved in turn (the first assets first). */
    static List<Candidate> find(RiskSnapshot snapshot, int wanted) {
        List<Candidate> out = new ArrayList<>();
        if (wanted > 0) {
            forEach(snapshot, ACCOUNTS_PER_ASSET, candidate -> {
                if (out.stream().noneMatch(c -> c.account().equals(candidate.account()))) {
                    out.add(candidate);
                }
                return out.size() < wanted;
            });
        }
        return out;
    }

    /**
     * Each of the first {@code perAsset} accounts of the snapshot that has quotes with one asset at half its price, asset
     * after asset (an account may come once per asset), handed to {@code each} until it answers false.
     */
    static void forEach(RiskSnapshot snapshot, int perAsset, Predicate<Candidate> each) {
        for (RiskAsset asset : snapshot.assets()) {
            if (asset.price() == null || asset.price().signum() <= 0) {
                continue; // an unpriced asset cannot be halved
            }
            ShockedMarket shocked = snapshot.at(Map.of(asset.asset(), asset.price().shiftRight(1)));
            for (int i = 0; i < Math.min(snapshot.size(), perAsset); i++) {
                List<Quote> quotes = shocked.quotes(i);
                if (!quotes.isEmpty() && !each.test(new Candidate(snapshot.account(i), quotes))) {
                    return;
                }
            }
        }
    }

    /** A wallet that holds twice what each quote repays: the rehearsal plans as if the keeper could pay for all of them. */
    static Map<Address, BigInteger> ampleBalances(List<Candidate> candidates) {
        Map<Address, BigInteger> balances = new java.util.HashMap<>();
        candidates.forEach(c -> c.quotes().forEach(q -> balances.merge(q.debtAsset(), q.debtToRequest().shiftLeft(1), BigInteger::add)));
        return balances;
    }
}
