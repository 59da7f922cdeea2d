package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keeper's view of one Aave V3 market: positions, prices, and each account's evaluation, kept up
 * to date incrementally. A dependency index (reserve → accounts using it as collateral or debt) makes a
 * price move re-evaluate only the accounts it touches; a position update re-evaluates that account.
 * Time changes everyone a little (interest), so {@link #advanceTo(long)} re-evaluates all, in parallel.
 * Only totals are kept per account; the per-reserve breakdown is rebuilt on demand (candidates, display).
 * Pure state: no I/O; the caller feeds it what it reads from the chain.
 */
public final class AaveV3Book {

    private Market market;
    private final Map<Address, BigInteger> prices = new HashMap<>();
    private final Map<Address, Position> positions = new ConcurrentHashMap<>();
    private final Map<Address, AccountData> evaluations = new ConcurrentHashMap<>();
    private final Map<Integer, Set<Address>> accountsByReserve = new HashMap<>();
    private BlockContext block;

    public AaveV3Book(Market market, Map<Address, BigInteger> initialPrices, long timestamp) {
        this.market = market;
        this.prices.putAll(initialPrices);
        this.block = new BlockContext(market, prices, timestamp);
    }

    public long timestamp() {
        return block.timestamp();
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
        if (changedAssets.isEmpty()) {
            return Set.of();
        }
        block = new BlockContext(market, prices, block.timestamp());
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
        affected.parallelStream().forEach(this::evaluate);
        return affected;
    }

    /** A new market state (reserve indexes, rates or configuration changed): everyone is re-evaluated. */
    public void updateMarket(Market newMarket) {
        this.market = newMarket;
        this.block = new BlockContext(newMarket, prices, block.timestamp());
        reevaluateAll();
    }

    /** A new block: reserve state, prices and time all move; everyone is re-evaluated once. */
    public void updateBlock(Market newMarket, Map<Address, BigInteger> newPrices, long newTimestamp) {
        this.market = newMarket;
        this.prices.putAll(newPrices);
        this.block = new BlockContext(newMarket, prices, newTimestamp);
        reevaluateAll();
    }

    /** Interest accrues for everyone: re-evaluates all accounts at the new block timestamp. */
    public void advanceTo(long newTimestamp) {
        this.block = new BlockContext(market, prices, newTimestamp);
        reevaluateAll();
    }

    public List<Address> accounts() {
        return List.copyOf(positions.keySet());
    }

    public Optional<Position> position(Address account) {
        return Optional.ofNullable(positions.get(account));
    }

    public Optional<AccountData> evaluation(Address account) {
        return Optional.ofNullable(evaluations.get(account));
    }

    /** The account's collateral and debt reserve by reserve at the current block. */
    public Optional<AccountBreakdown> breakdown(Address account) {
        return Optional.ofNullable(positions.get(account)).map(p -> AccountEvaluator.breakdown(block, p));
    }

    public int size() {
        return positions.size();
    }

    /** Liquidatable accounts, most profitable first. */
    public List<LiquidationCandidate> candidates() {
        List<LiquidationCandidate> out = new ArrayList<>();
        evaluations.forEach((account, data) -> {
            if (data.liquidatable()) {
                LiquidationCandidate.best(account, AccountEvaluator.breakdown(block, positions.get(account))).ifPresent(out::add);
            }
        });
        out.sort(Comparator.comparing(LiquidationCandidate::expectedProfitBase).reversed().thenComparing(c -> c.account().hex()));
        return out;
    }

    /** Accounts that use a reserve (for tests and metrics). */
    public Set<Address> accountsUsing(int reserveId) {
        return Set.copyOf(accountsByReserve.getOrDefault(reserveId, Set.of()));
    }

    private void reevaluateAll() {
        positions.keySet().parallelStream().forEach(this::evaluate);
    }

    private void evaluate(Address account) {
        evaluations.put(account, AccountEvaluator.evaluate(block, Objects.requireNonNull(positions.get(account)), null));
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
