package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The keeper's view of one Aave V3 market: positions, prices, and each account's evaluation, kept up
 * to date incrementally. A dependency index (reserve → accounts using it as collateral or debt) makes a
 * price move re-evaluate only the accounts it touches; a position update re-evaluates that account.
 * Time changes everyone a little (interest), so {@link #advanceTo(long)} re-evaluates all.
 * Pure state: no I/O; the caller feeds it what it reads from the chain.
 */
public final class AaveV3Book {

    private Market market;
    private final Map<Address, BigInteger> prices = new HashMap<>();
    private final Map<Address, Position> positions = new LinkedHashMap<>();
    private final Map<Address, AccountBreakdown> evaluations = new HashMap<>();
    private final Map<Integer, Set<Address>> accountsByReserve = new HashMap<>();
    private ReserveIndexes indexes;

    public AaveV3Book(Market market, Map<Address, BigInteger> initialPrices, long timestamp) {
        this.market = market;
        this.prices.putAll(initialPrices);
        this.indexes = ReserveIndexes.of(market, timestamp);
    }

    public long timestamp() {
        return indexes.timestamp();
    }

    /** Adds or replaces positions (after position events); returns the accounts re-evaluated. */
    public Set<Address> updatePositions(Collection<Position> updated) {
        Set<Address> touched = new HashSet<>();
        for (Position position : updated) {
            Position previous = positions.put(position.account(), position);
            if (previous != null) {
                unindex(previous);
            }
            index(position);
            evaluate(position.account());
            touched.add(position.account());
        }
        return touched;
    }

    /** New oracle prices; only accounts using a reserve (or eMode price source) whose price changed are re-evaluated. */
    public Set<Address> updatePrices(Map<Address, BigInteger> newPrices) {
        Set<Address> changedAssets = new HashSet<>();
        newPrices.forEach((asset, price) -> {
            if (!price.equals(prices.put(asset, price))) {
                changedAssets.add(asset);
            }
        });
        Set<Address> affected = new HashSet<>();
        for (Reserve reserve : market.reservesById()) {
            if (reserve != null && changedAssets.contains(reserve.asset())) {
                affected.addAll(accountsByReserve.getOrDefault(reserve.id(), Set.of()));
            }
        }
        for (EModeCategory category : market.eModeCategories().values()) {
            if (!category.priceSource().isZero() && changedAssets.contains(category.priceSource())) {
                positions.values().stream().filter(p -> p.eModeCategory() == category.id()).map(Position::account).forEach(affected::add);
            }
        }
        affected.forEach(this::evaluate);
        return affected;
    }

    /** A new market state (reserve indexes, rates or configuration changed): everyone is re-evaluated. */
    public void updateMarket(Market newMarket) {
        this.market = newMarket;
        this.indexes = ReserveIndexes.of(newMarket, indexes.timestamp());
        reevaluateAll();
    }

    /** A new block: reserve state, prices and time all move; everyone is re-evaluated once. */
    public void updateBlock(Market newMarket, Map<Address, BigInteger> newPrices, long newTimestamp) {
        this.market = newMarket;
        this.prices.putAll(newPrices);
        this.indexes = ReserveIndexes.of(newMarket, newTimestamp);
        reevaluateAll();
    }

    public List<Address> accounts() {
        return List.copyOf(positions.keySet());
    }

    /** Interest accrues for everyone: re-evaluates all accounts at the new block timestamp. */
    public void advanceTo(long newTimestamp) {
        this.indexes = ReserveIndexes.of(market, newTimestamp);
        reevaluateAll();
    }

    public Optional<AccountBreakdown> evaluation(Address account) {
        return Optional.ofNullable(evaluations.get(account));
    }

    public int size() {
        return positions.size();
    }

    /** Liquidatable accounts, most profitable first. */
    public List<LiquidationCandidate> candidates() {
        List<LiquidationCandidate> out = new ArrayList<>();
        evaluations.forEach((account, breakdown) -> LiquidationCandidate.best(account, breakdown).ifPresent(out::add));
        out.sort(Comparator.comparing(LiquidationCandidate::expectedProfitBase).reversed().thenComparing(c -> c.account().hex()));
        return out;
    }

    /** Accounts that use a reserve (for tests and metrics). */
    public Set<Address> accountsUsing(int reserveId) {
        return Set.copyOf(accountsByReserve.getOrDefault(reserveId, Set.of()));
    }

    private void reevaluateAll() {
        positions.keySet().forEach(this::evaluate);
    }

    private void evaluate(Address account) {
        evaluations.put(account, AccountEvaluator.breakdown(market, indexes, prices, Objects.requireNonNull(positions.get(account))));
    }

    private void index(Position position) {
        for (int id = 0; id < market.reservesCount(); id++) {
            if (position.isBorrowing(id) || position.isUsingAsCollateral(id)) {
                accountsByReserve.computeIfAbsent(id, k -> new HashSet<>()).add(position.account());
            }
        }
    }

    private void unindex(Position position) {
        for (int id = 0; id < market.reservesCount(); id++) {
            Set<Address> accounts = accountsByReserve.get(id);
            if (accounts != null) {
                accounts.remove(position.account());
            }
        }
    }
}
