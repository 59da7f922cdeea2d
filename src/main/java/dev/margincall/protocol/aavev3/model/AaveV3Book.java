package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The keeper's view of one Aave V3 market: positions, prices, and each account's evaluation, kept up
 * to date incrementally. A dependency index (reserve → accounts using it as collateral or debt, eMode
 * category → members) makes a price move re-evaluate only the accounts it touches; a position update
 * re-evaluates that account. Time changes everyone a little (interest), so {@link #advanceTo(long)}
 * re-evaluates all, on every core.
 *
 * <p>Accounts live in arrays by dense index ({@link AccountTable}); evaluations are words, not objects
 * ({@link EvaluationTable}), computed by the allocation-free, bit-exact {@link FastAccountEvaluator}
 * when the account's values are in its range, by the BigInteger {@link AccountEvaluator} otherwise.
 * Only totals are kept per account; the per-reserve breakdown is rebuilt on demand (candidates, display).
 * Pure state: no I/O; the caller feeds it what it reads from the chain. One writer at a time.
 */
public final class AaveV3Book {

    /** Accounts per parallel task: large enough to amortise a task, small enough to balance two to a few dozen cores. */
    private static final int CHUNK = 16_384;

    private Market market;
    private final Map<Address, BigInteger> prices = new HashMap<>();
    private final AccountTable accounts = new AccountTable();
    private final EvaluationTable evaluations = new EvaluationTable();
    private final DependencyIndex dependencies = new DependencyIndex();
    private final FastAccountEvaluator evaluator = new FastAccountEvaluator();
    private BlockContext block;
    private PrimitiveBlock primitiveBlock;

    public AaveV3Book(Market market, Map<Address, BigInteger> initialPrices, long timestamp) {
        this.market = market;
        this.prices.putAll(initialPrices);
        setBlock(new BlockContext(market, prices, timestamp));
        this.fullyEvaluatedAt = timestamp;
    }

    public long timestamp() {
        return block.timestamp();
    }

    /** Adds or replaces positions (after position events); returns the accounts re-evaluated. */
    public Set<Address> updatePositions(Collection<Position> updated) {
        BitSet touched = new BitSet();
        for (Position position : updated) {
            int existing = accounts.indexOf(position.account());
            if (existing >= 0) {
                dependencies.remove(existing, accounts.position(existing));
            }
            int index = accounts.put(position);
            dependencies.add(index, position);
            touched.set(index);
        }
        evaluations.ensureCapacity(accounts.size());
        if (updated.size() == 1) {
            evaluations.evaluate(touched.nextSetBit(0), accounts, block, primitiveBlock, evaluator, null);
        } else {
            evaluate(touched, null);
        }
        return new IndexedAccountSet(accounts, touched);
    }

    /** New oracle prices; only accounts using a reserve (or eMode price source) whose price changed are re-evaluated. */
    public Set<Address> updatePrices(Map<Address, BigInteger> newPrices) {
        finishBlock(); // a price move re-uses unmoved reserves' lines of an account's last evaluation: they must be this block's
        Set<Address> changedAssets = changedAssets(prices, newPrices);
        prices.putAll(newPrices);
        if (changedAssets.isEmpty()) {
            return Set.of();
        }
        setBlock(new BlockContext(market, prices, block.timestamp()));
        PriceMoves moves = priceMoves(changedAssets);
        evaluate(moves.users(), moves.movedReserves());
        return new IndexedAccountSet(accounts, moves.users());
    }

    /**
     * Who moving prices of {@code changedAssets} concerns: the users of those reserves and the members of eMode categories whose
     * price source moved; and the reserves whose lines changed value (null when an eMode price source moved: that changes
     * every in-eMode line of its members).
     */
    private record PriceMoves(BitSet users, boolean[] movedReserves) {
    }

    private PriceMoves priceMoves(Set<Address> changedAssets) {
        BitSet users = new BitSet();
        boolean[] moved = new boolean[market.reservesCount()];
        for (Reserve reserve : market.reservesById()) {
            if (reserve != null && changedAssets.contains(reserve.asset())) {
                users.or(dependencies.usersOf(reserve.id()));
                moved[reserve.id()] = true;
            }
        }
        for (EModeCategory category : market.eModeCategories().values()) {
            if (!category.priceSource().isZero() && changedAssets.contains(category.priceSource())) {
                users.or(dependencies.membersOf(category.id()));
                moved = null;
            }
        }
        return new PriceMoves(users, moved);
    }

    /** A new market state (reserve indexes, rates or configuration changed): everyone is re-evaluated. */
    public void updateMarket(Market newMarket) {
        this.market = newMarket;
        setBlock(new BlockContext(newMarket, prices, block.timestamp()));
        evaluateAll();
    }

    /** A new block: reserve state, prices and time all move; everyone is re-evaluated once. */
    public void updateBlock(Market newMarket, Map<Address, BigInteger> newPrices, long newTimestamp) {
        this.market = newMarket;
        this.prices.putAll(newPrices);
        setBlock(new BlockContext(newMarket, prices, newTimestamp));
        evaluateAll();
    }

    /**
     * Accounts with debt below this health factor (1.05) are re-evaluated at once in {@link #updateBlockNearFirst}; the others
     * can wait for {@link #finishBlock}: what moves an account's health factor between two blocks without an event of its
     * own or a price or parameter change is interest, far below 5 % (at 1,000 % a year, 0.1 % an hour).
     */
    public static final long NEAR_FIRST_BELOW = 1_050_000_000_000_000_000L;

    /** After this many seconds without a full evaluation the next block is evaluated whole at once (a keeper that was down). */
    static final long FULL_AFTER_SECONDS = 3_600;

    /** Accounts {@link #updateBlockNearFirst} left for {@link #finishBlock}; null when the book is exact. */
    private BitSet deferred;
    private long fullyEvaluatedAt;

    /**
     * A new block in two steps, for the keeper's critical path: now only the accounts this block's liquidations can come
     * from — those with debt whose health factor was below {@link #NEAR_FIRST_BELOW} or, if a price they use moved, below it
     * raised by as much as this block's price moves can lower one ({@link #nearFirstThreshold}), those using a reserve whose
     * parameters changed or an eMode category that changed, and {@code alsoNow} (accounts whose positions this block
     * touched) — and the rest at {@link #finishBlock}, after the keeper has sent. Until then the others' evaluations are the
     * previous block's: none of them can be below 1 (see {@link #NEAR_FIRST_BELOW}), and {@link #evaluation} is exact only
     * after {@link #finishBlock}. Measured at 100,000 accounts: the whole evaluation took
     * 26–34 ms of every head (bench, 2 cores). A new reserve list, a long gap since the last full evaluation, or a previous
     * block not finished make this one whole at once.
     */
    public void updateBlockNearFirst(Market newMarket, Map<Address, BigInteger> newPrices, long newTimestamp, Collection<Address> alsoNow) {
        Market before = market;
        Map<Address, BigInteger> pricesBefore = new HashMap<>(prices);
        this.market = newMarket;
        this.prices.putAll(newPrices);
        setBlock(new BlockContext(newMarket, prices, newTimestamp));
        boolean sameReserves = before.reservesCount() == newMarket.reservesCount() && IntStream.range(0, newMarket.reservesCount())
                .allMatch(id -> Objects.equals(before.reserve(id).map(Reserve::asset), newMarket.reserve(id).map(Reserve::asset)));
        long threshold = nearFirstThreshold(pricesBefore, prices);
        if (deferred != null || !sameReserves || newTimestamp - fullyEvaluatedAt > FULL_AFTER_SECONDS || threshold == EVERYONE) {
            evaluateAll();
            return;
        }
        int size = accounts.size();
        BitSet now = new BitSet(size);
        // the raised threshold only for the accounts a moved price concerns: the others' health factors moved by interest alone
        BitSet moved = priceMoves(changedAssets(pricesBefore, prices)).users();
        for (int i = 0; i < size; i++) {
            if (evaluations.below(i, moved.get(i) ? threshold : NEAR_FIRST_BELOW)) {
                now.set(i);
            }
        }
        for (Reserve reserve : newMarket.reservesById()) {
            if (reserve != null && !before.reserve(reserve.id()).map(Reserve::configurationBits).equals(Optional.of(reserve.configurationBits()))) {
                now.or(dependencies.usersOf(reserve.id())); // a threshold or factor changed: no bound on the move
            }
        }
        for (EModeCategory category : newMarket.eModeCategories().values()) {
            if (!category.equals(before.eModeCategories().get(category.id()))) {
                now.or(dependencies.membersOf(category.id()));
            }
        }
        for (Address account : alsoNow) {
            int index = accounts.indexOf(account);
            if (index >= 0) {
                now.set(index);
            }
        }
        evaluate(now, null);
        BitSet rest = new BitSet(size);
        rest.set(0, size);
        rest.andNot(now);
        deferred = rest;
    }

    private static final BigInteger WAD = BigInteger.TEN.pow(18);

    /** The assets whose price differs between {@code before} and {@code after} (or is new). */
    private static Set<Address> changedAssets(Map<Address, BigInteger> before, Map<Address, BigInteger> after) {
        Set<Address> changed = new HashSet<>();
        after.forEach((asset, price) -> {
            if (!price.equals(before.get(asset))) {
                changed.add(asset);
            }
        });
        return changed;
    }

    /**
     * The health factor below which an account must be evaluated at once when prices moved from {@code before} to
     * {@code after}: {@link #NEAR_FIRST_BELOW} divided by the most the moves can lower a health factor. Each collateral
     * line falls at most by the largest fall of any price, each debt line rises at most by the largest rise, so a
     * health factor falls at most by (largest fall ratio) × (1 / largest rise ratio); both rounded against the account.
     * {@link #EVERYONE} when a price went to or from zero, or the bound does not fit a long (a fall of over ~88 %): then
     * the whole book is evaluated at once.
     */
    static long nearFirstThreshold(Map<Address, BigInteger> before, Map<Address, BigInteger> after) {
        BigInteger fall = WAD; // min(1, new/old) over the moved prices, in wad, rounded down
        BigInteger rise = WAD; // min(1, old/new), in wad, rounded down
        for (Map.Entry<Address, BigInteger> entry : after.entrySet()) {
            BigInteger old = before.get(entry.getKey());
            BigInteger now = entry.getValue();
            if (now.equals(old)) {
                continue;
            }
            if (old == null || old.signum() <= 0 || now.signum() <= 0) {
                return EVERYONE;
            }
            fall = fall.min(now.multiply(WAD).divide(old));
            rise = rise.min(old.multiply(WAD).divide(now));
        }
        BigInteger factor = fall.multiply(rise).divide(WAD);
        if (factor.signum() == 0) {
            return EVERYONE;
        }
        BigInteger[] quotient = BigInteger.valueOf(NEAR_FIRST_BELOW).multiply(WAD).divideAndRemainder(factor);
        BigInteger threshold = quotient[1].signum() == 0 ? quotient[0] : quotient[0].add(BigInteger.ONE);
        return threshold.bitLength() < 63 && threshold.longValue() < EVERYONE ? threshold.longValue() : EVERYONE;
    }

    /** {@link #nearFirstThreshold}'s answer when the price moves do not bound a health factor's fall: evaluate everyone at once. */
    static final long EVERYONE = Long.MAX_VALUE;

    /** Evaluates what {@link #updateBlockNearFirst} left: the book is exact at the block again. Nothing when nothing waits. */
    public void finishBlock() {
        if (deferred != null) {
            BitSet rest = deferred;
            deferred = null;
            evaluate(rest, null);
            fullyEvaluatedAt = block.timestamp();
        }
    }

    /** Interest accrues for everyone: re-evaluates all accounts at the new block timestamp. */
    public void advanceTo(long newTimestamp) {
        setBlock(new BlockContext(market, prices, newTimestamp));
        evaluateAll();
    }

    /** Every account at the current block: the book is exact, nothing waits for {@link #finishBlock}. */
    private void evaluateAll() {
        deferred = null;
        evaluate(null, null);
        fullyEvaluatedAt = block.timestamp();
    }

    public List<Address> accounts() {
        return Collections.unmodifiableList(Arrays.asList(Arrays.copyOf(accounts.addresses(), accounts.size())));
    }

    /** The account at a dense index, 0 ≤ index &lt; {@link #size()} (indexes are stable while no account is added). */
    public Address accountAt(int index) {
        Objects.checkIndex(index, accounts.size());
        return accounts.addresses()[index];
    }

    public Optional<Position> position(Address account) {
        int index = accounts.indexOf(account);
        return index < 0 ? Optional.empty() : Optional.of(accounts.position(index));
    }

    public Optional<AccountData> evaluation(Address account) {
        int index = accounts.indexOf(account);
        return index < 0 ? Optional.empty() : Optional.of(evaluations.accountData(index, market.rules()));
    }

    /** The account's collateral and debt reserve by reserve at the current block. */
    public Optional<AccountBreakdown> breakdown(Address account) {
        return position(account).map(p -> AccountEvaluator.breakdown(block, p));
    }

    public int size() {
        return accounts.size();
    }

    /** How many accounts have a health factor below 1, without building their account data. */
    public int liquidatableCount() {
        int count = 0;
        for (int i = 0, n = accounts.size(); i < n; i++) {
            count += evaluations.liquidatable(i) ? 1 : 0;
        }
        return count;
    }

    /**
     * Accounts with debt and a health factor below {@code healthFactor} (a wad below 2^63), without
     * building the others' account data: what the keeper re-evaluates at the next block's timestamp.
     */
    public List<Address> accountsBelow(long healthFactor) {
        List<Address> out = new ArrayList<>();
        for (int i = 0, n = accounts.size(); i < n; i++) {
            if (evaluations.below(i, healthFactor)) {
                out.add(accounts.address(i));
            }
        }
        return out;
    }

    /** {@link #accountsBelow}, the largest total debt (base currency) first; equal debts in book order. */
    public List<Address> accountsBelowLargestDebtFirst(long healthFactor) {
        Map<Integer, BigInteger> debts = new java.util.LinkedHashMap<>();
        for (int i = 0, n = accounts.size(); i < n; i++) {
            if (evaluations.below(i, healthFactor)) {
                debts.put(i, evaluations.totalDebtBase(i));
            }
        }
        return debts.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.reverseOrder()))
                .map(e -> accounts.address(e.getKey())).toList();
    }

    /**
     * The health-factor distribution of the indebted accounts, without building account data: {@code counts[k]} gets the
     * accounts whose health factor is at most {@code boundsWad[k]} (ascending wads below 2^63 - 1) and above the bound
     * before; {@code counts[boundsWad.length]} those above every bound.
     */
    public void countHealthFactors(long[] boundsWad, long[] counts) {
        for (int i = 0, n = accounts.size(); i < n; i++) {
            if (!evaluations.hasDebt(i)) {
                continue;
            }
            // HF <= bound  <=>  HF < bound + 1 (integers); "below" is monotonic in its threshold: binary search
            int low = 0;
            int high = boundsWad.length;
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (evaluations.below(i, boundsWad[mid] + 1)) {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
            counts[low]++;
        }
    }

    /** Liquidatable accounts, each by its most profitable quote of {@link LiquidationMath}, most profitable first. */
    public List<LiquidationCandidate> candidates() {
        List<LiquidationCandidate> out = new ArrayList<>();
        for (int i = 0, n = accounts.size(); i < n; i++) {
            if (evaluations.liquidatable(i)) {
                LiquidationMath.quotes(block, accounts.position(i)).stream().map(LiquidationCandidate::of)
                        .max(Comparator.comparing(LiquidationCandidate::expectedProfitBase)).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(LiquidationCandidate::expectedProfitBase).reversed().thenComparing(c -> c.account().hex()));
        return out;
    }

    /** Accounts that use a reserve (for tests and metrics). */
    public Set<Address> accountsUsing(int reserveId) {
        return new IndexedAccountSet(accounts, (BitSet) dependencies.usersOf(reserveId).clone());
    }

    /** Accounts whose last evaluation fell back to the BigInteger reference (out of the fast path's range; for tests and metrics). */
    public int referenceEvaluated() {
        return evaluations.referenceEvaluated(accounts.size());
    }

    private void setBlock(BlockContext newBlock) {
        this.block = newBlock;
        this.primitiveBlock = new PrimitiveBlock(newBlock);
    }

    /**
     * Re-evaluates the given accounts (all when null), in parallel over chunks of indexes: each task has its
     * own evaluator (its scratch registers), and tasks write disjoint parts of the evaluation table and of
     * the packed positions. {@code moved}: see {@link EvaluationTable#evaluate}.
     */
    private void evaluate(BitSet only, boolean[] moved) {
        int size = accounts.size();
        evaluations.ensureCapacity(size);
        BlockContext context = block;
        PrimitiveBlock primitive = primitiveBlock;
        IntStream.range(0, (size + CHUNK - 1) / CHUNK).parallel().forEach(chunk -> {
            FastAccountEvaluator taskEvaluator = new FastAccountEvaluator();
            int from = chunk * CHUNK;
            int to = Math.min(size, from + CHUNK);
            if (only == null) {
                for (int i = from; i < to; i++) {
                    evaluations.evaluate(i, accounts, context, primitive, taskEvaluator, moved);
                }
            } else {
                for (int i = only.nextSetBit(from); i >= 0 && i < to; i = only.nextSetBit(i + 1)) {
                    evaluations.evaluate(i, accounts, context, primitive, taskEvaluator, moved);
                }
            }
        });
    }
}
