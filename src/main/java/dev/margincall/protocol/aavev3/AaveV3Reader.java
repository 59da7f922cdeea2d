package dev.margincall.protocol.aavev3;

import static dev.margincall.chain.abi.Abi.address;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.protocol.aavev3.model.AaveRules;
import dev.margincall.protocol.aavev3.model.EModeCategory;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.aavev3.model.Reserve;
import dev.margincall.protocol.aavev3.model.ReserveConfiguration;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.web3j.abi.datatypes.DynamicArray;

/**
 * Reads an Aave V3 market and its accounts at one block, in as few requests as Multicall3 allows.
 * Everything read here is what the contracts themselves use to compute account data, so the pure
 * {@link dev.margincall.protocol.aavev3.model.AccountEvaluator} can reproduce it to the wei.
 */
public final class AaveV3Reader {

    private final EthRpc rpc;
    private final Multicall3 multicall;

    public AaveV3Reader(EthRpc rpc, Address multicall3) {
        this.rpc = rpc;
        this.multicall = new Multicall3(rpc, multicall3);
    }

    /** Pool, oracle and data provider from the PoolAddressesProvider; fails clearly if it is not one. */
    public AaveV3Contracts discover(Address addressesProvider, BlockTag tag) {
        if (Hex.strip(rpc.code(addressesProvider, tag)).isEmpty()) {
            throw new IllegalArgumentException("no contract at poolAddressesProvider " + addressesProvider
                    + ": check the address (Aave's address book lists one per market) and the chain");
        }
        List<String> answers = read(List.of(
                new Multicall3.Call(addressesProvider, Abi.call("getPool()")),
                new Multicall3.Call(addressesProvider, Abi.call("getPriceOracle()")),
                new Multicall3.Call(addressesProvider, Abi.call("getPoolDataProvider()")),
                new Multicall3.Call(addressesProvider, Abi.call("getPriceOracleSentinel()"))), tag, "PoolAddressesProvider " + addressesProvider);
        Address pool = Words.address(answers.get(0), 0);
        long revision = Words.uint(rpc.call(CallRequest.call(pool, Abi.call("POOL_REVISION()")), tag), 0).longValueExact();
        AaveRules rules = AaveRules.forRevision(revision).orElseThrow(() -> new IllegalArgumentException("the Aave Pool " + pool
                + " has POOL_REVISION " + revision + ", whose liquidation rules the keeper does not model exactly (it models revisions 1-3,"
                + " Aave v3.0.x, and 9-10, v3.5/v3.6): acting on another version's math could send liquidations that revert;"
                + " remove this market from the config or upgrade Margin Call"));
        return new AaveV3Contracts(addressesProvider, pool, Words.address(answers.get(1), 0), Words.address(answers.get(2), 0),
                Words.address(answers.get(3), 0), revision, rules);
    }

    public Market loadMarket(AaveV3Contracts contracts, BlockTag tag) {
        List<Address> assets = Words.addresses(rpc.call(CallRequest.call(contracts.pool(), Abi.call("getReservesList()")), tag));
        List<String> data = read(assets.stream()
                .map(a -> new Multicall3.Call(contracts.pool(), Abi.call("getReserveData(address)", address(a)))).toList(), tag, "getReserveData");
        if (contracts.rules() == AaveRules.V3_6) {
            List<Reserve> reserves = new ArrayList<>();
            for (int i = 0; i < assets.size(); i++) {
                reserves.add(decodeReserve(assets.get(i), data.get(i)));
            }
            List<Reserve> byId = byId(withGracePeriods(contracts, reserves, tag));
            return new Market(byId, loadBitmapEModes(contracts, allCategoryIds(), tag), AaveRules.V3_6, sentinelBlocks(contracts, tag));
        }
        List<Reserve> byId = new ArrayList<>();
        Set<Integer> categories = new LinkedHashSet<>();
        for (int i = 0; i < assets.size(); i++) {
            Reserve reserve = decodeReserve(assets.get(i), data.get(i));
            while (byId.size() <= reserve.id()) {
                byId.add(null);
            }
            byId.set(reserve.id(), reserve);
            if (reserve.configuration().eModeCategory() != 0) {
                categories.add(reserve.configuration().eModeCategory());
            }
        }
        List<Integer> ids = List.copyOf(categories);
        List<String> eModes = read(ids.stream()
                .map(id -> new Multicall3.Call(contracts.pool(), Abi.call("getEModeCategoryData(uint8)", Abi.uint8(id)))).toList(), tag, "getEModeCategoryData");
        Map<Integer, EModeCategory> eModeById = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            eModeById.put(ids.get(i), decodeEMode(ids.get(i), eModes.get(i)));
        }
        return new Market(byId, eModeById, contracts.rules(), sentinelBlocks(contracts, tag));
    }

    /** Every uint8 eMode category id but 0 (no category): 3.2+ lists its categories nowhere, so all are asked. */
    private static List<Integer> allCategoryIds() {
        List<Integer> ids = new ArrayList<>();
        for (int id = 1; id < 256; id++) {
            ids.add(id);
        }
        return ids;
    }

    private static List<Reserve> byId(List<Reserve> reserves) {
        List<Reserve> byId = new ArrayList<>();
        for (Reserve reserve : reserves) {
            while (byId.size() <= reserve.id()) {
                byId.add(null);
            }
            byId.set(reserve.id(), reserve);
        }
        return byId;
    }

    /** 3.1+: each reserve's liquidation grace period and virtual balance, in one round. */
    private List<Reserve> withGracePeriods(AaveV3Contracts contracts, List<Reserve> reserves, BlockTag tag) {
        List<Multicall3.Call> calls = new ArrayList<>();
        reserves.forEach(r -> calls.addAll(perBlockReserveCalls(contracts, r)));
        List<String> answers = read(calls, tag, "liquidation grace periods and virtual balances");
        List<Reserve> out = new ArrayList<>();
        for (int i = 0; i < reserves.size(); i++) {
            out.add(withPerBlockState(reserves.get(i), answers, 2 * i));
        }
        return out;
    }

    /** 3.1+ per reserve and block: {@code getLiquidationGracePeriod} and {@code getVirtualUnderlyingBalance}. */
    private static List<Multicall3.Call> perBlockReserveCalls(AaveV3Contracts contracts, Reserve reserve) {
        return List.of(new Multicall3.Call(contracts.pool(), Abi.call("getLiquidationGracePeriod(address)", address(reserve.asset()))),
                new Multicall3.Call(contracts.pool(), Abi.call("getVirtualUnderlyingBalance(address)", address(reserve.asset()))));
    }

    private static Reserve withPerBlockState(Reserve reserve, List<String> answers, int at) {
        return reserve.withLiquidationGracePeriodUntil(Words.uint(answers.get(at), 0).longValueExact())
                .withVirtualUnderlyingBalance(Words.uint(answers.get(at + 1), 0));
    }

    /**
     * 3.2+ eMode categories with a liquidation threshold among {@code ids}: collateral config (ltv, threshold, bonus),
     * collateral and LTV-zero bitmaps and label (IPool.getEModeCategoryCollateralConfig and friends), in two rounds.
     */
    Map<Integer, EModeCategory> loadBitmapEModes(AaveV3Contracts contracts, List<Integer> ids, BlockTag tag) {
        List<String> configs = read(ids.stream().map(id -> new Multicall3.Call(contracts.pool(),
                Abi.call("getEModeCategoryCollateralConfig(uint8)", Abi.uint8(id)))).toList(), tag, "eMode collateral configs");
        List<Integer> used = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (Words.uint(configs.get(i), 1).signum() != 0) {
                used.add(i);
            }
        }
        List<Multicall3.Call> calls = new ArrayList<>();
        for (int i : used) {
            var id = Abi.uint8(ids.get(i));
            calls.add(new Multicall3.Call(contracts.pool(), Abi.call("getEModeCategoryCollateralBitmap(uint8)", id)));
            calls.add(new Multicall3.Call(contracts.pool(), Abi.call("getEModeCategoryLtvzeroBitmap(uint8)", id)));
            calls.add(new Multicall3.Call(contracts.pool(), Abi.call("getEModeCategoryLabel(uint8)", id)));
        }
        List<String> answers = calls.isEmpty() ? List.of() : read(calls, tag, "eMode bitmaps");
        Map<Integer, EModeCategory> categories = new HashMap<>();
        for (int k = 0; k < used.size(); k++) {
            int i = used.get(k);
            String config = configs.get(i);
            categories.put(ids.get(i), EModeCategory.withBitmaps(ids.get(i), Words.uint(config, 0).intValueExact(),
                    Words.uint(config, 1).intValueExact(), Words.uint(config, 2).intValueExact(), Abi.decodeString(answers.get(3 * k + 2)),
                    Words.uint(answers.get(3 * k), 0), Words.uint(answers.get(3 * k + 1), 0)));
        }
        return categories;
    }

    /** The market with every eMode category read again (3.2+: a user entered a category the keeper had not seen). */
    public Market reloadEModes(AaveV3Contracts contracts, Market market, BlockTag tag) {
        if (contracts.rules() != AaveRules.V3_6) {
            return market;
        }
        return new Market(market.reservesById(), loadBitmapEModes(contracts, allCategoryIds(), tag), market.rules(),
                market.sentinelBlocksLiquidations());
    }

    /** A sentinel exists and currently refuses liquidations (IPriceOracleSentinel.isLiquidationAllowed). */
    private boolean sentinelBlocks(AaveV3Contracts contracts, BlockTag tag) {
        if (contracts.sentinel().isZero()) {
            return false;
        }
        return Words.uint(rpc.call(CallRequest.call(contracts.sentinel(), Abi.call("isLiquidationAllowed()")), tag), 0).signum() == 0;
    }

    /** A block's market and prices together, and the protocol's own account data of the sampled accounts. */
    public record BlockState(Market market, Map<Address, BigInteger> prices, List<UserAccountData> sampled) {
    }

    /**
     * The market's reserve state and every oracle price at one block, in a single request (reserves
     * list, each reserve's data, all prices, and {@code getUserAccountData} of {@code sample}: shadow
     * verification rides along instead of costing a request of its own), reusing {@code previous}'s
     * eMode categories. When the reserves themselves changed (a listing or a new eMode category),
     * everything is loaded again.
     */
    public BlockState loadBlockState(AaveV3Contracts contracts, Market previous, List<Address> sample, BlockTag tag) {
        return loadHead(contracts, previous, sample, List.of(), account -> null, tag).state();
    }

    /** A head's reads: the market's state and prices, and the positions of the accounts its events touched. */
    public record HeadState(BlockState state, List<Position> positions) {
    }

    /**
     * {@link #loadBlockState} and the positions of {@code touched} in the same request: each touched account's
     * configuration and eMode, and the balances its last known configuration ({@code lastConfiguration}; null for a new account)
     * flags, ride in the block state's Multicall, so a head whose touched accounts used no new reserve costs one request
     * instead of three (block state, configurations, balances). A balance the configuration read now flags and the guess
     * missed is read in a second request ({@link PositionsRead}): the same positions as {@link #loadPositions}.
     */
    public HeadState loadHead(AaveV3Contracts contracts, Market previous, List<Address> sample, List<Address> touched,
                              java.util.function.Function<Address, BigInteger> lastConfiguration, BlockTag tag) {
        List<Reserve> known = previous.reservesById().stream().filter(r -> r != null).toList();
        List<Address> priced = pricedAssets(previous);
        boolean v36 = contracts.rules() == AaveRules.V3_6;
        List<Integer> categories = v36 ? List.copyOf(previous.eModeCategories().keySet()) : List.of();
        List<Multicall3.Call> calls = new ArrayList<>();
        calls.add(new Multicall3.Call(contracts.pool(), Abi.call("getReservesList()")));
        known.forEach(r -> calls.add(new Multicall3.Call(contracts.pool(), Abi.call("getReserveData(address)", address(r.asset())))));
        calls.add(new Multicall3.Call(contracts.oracle(), Abi.call("getAssetsPrices(address[])",
                new DynamicArray<>(org.web3j.abi.datatypes.Address.class, priced.stream().map(Abi::address).toList()))));
        int pricesAt = calls.size() - 1;
        sample.forEach(account -> calls.add(AccountDataReader.call(contracts.pool(), account)));
        // 3.1+ per block: grace periods, the categories in use (config and bitmaps); any version: the sentinel's verdict
        int graceAt = calls.size();
        if (v36) {
            known.forEach(r -> calls.addAll(perBlockReserveCalls(contracts, r)));
        }
        int eModesAt = calls.size();
        for (int id : categories) {
            calls.add(new Multicall3.Call(contracts.pool(), Abi.call("getEModeCategoryCollateralConfig(uint8)", Abi.uint8(id))));
            calls.add(new Multicall3.Call(contracts.pool(), Abi.call("getEModeCategoryCollateralBitmap(uint8)", Abi.uint8(id))));
            calls.add(new Multicall3.Call(contracts.pool(), Abi.call("getEModeCategoryLtvzeroBitmap(uint8)", Abi.uint8(id))));
        }
        int sentinelAt = calls.size();
        if (!contracts.sentinel().isZero()) {
            calls.add(new Multicall3.Call(contracts.sentinel(), Abi.call("isLiquidationAllowed()")));
        }
        int positionsAt = calls.size();
        PositionsRead positionsRead = new PositionsRead(contracts, previous, touched, lastConfiguration);
        calls.addAll(positionsRead.firstCalls());
        List<String> answers = read(calls, tag, touched.isEmpty() ? "reserves, prices and sampled accounts"
                : "reserves, prices, sampled accounts and touched positions");
        List<String> positionAnswers = answers.subList(positionsAt, answers.size());
        List<UserAccountData> sampled = new ArrayList<>(sample.size());
        for (int i = 0; i < sample.size(); i++) {
            sampled.add(AccountDataReader.decode(sample.get(i), answers.get(pricesAt + 1 + i)));
        }

        List<Address> listed = Words.addresses(answers.get(0));
        List<Reserve> reserves = new ArrayList<>();
        for (int i = 0; i < known.size(); i++) {
            Reserve reserve = decodeReserve(known.get(i).asset(), answers.get(1 + i));
            reserves.add(v36 ? withPerBlockState(reserve, answers, graceAt + 2 * i) : reserve);
        }
        boolean sameReserves = listed.equals(known.stream().map(Reserve::asset).toList());
        boolean sameCategories = v36 || reserves.stream().allMatch(r -> r.configuration().eModeCategory() == 0
                || previous.eModeCategories().containsKey(r.configuration().eModeCategory()));
        if (!sameReserves || !sameCategories) {
            Market reloaded = loadMarket(contracts, tag);
            return new HeadState(new BlockState(reloaded, loadPrices(contracts, reloaded, tag), sampled),
                    positionsRead.finish(positionAnswers, reloaded, false, (more, what) -> read(more, tag, what)));
        }
        Map<Integer, EModeCategory> eModes = previous.eModeCategories();
        if (v36) {
            eModes = new HashMap<>();
            for (int k = 0; k < categories.size(); k++) {
                String config = answers.get(eModesAt + 3 * k);
                EModeCategory before = previous.eModeCategories().get(categories.get(k));
                eModes.put(before.id(), EModeCategory.withBitmaps(before.id(), Words.uint(config, 0).intValueExact(),
                        Words.uint(config, 1).intValueExact(), Words.uint(config, 2).intValueExact(), before.label(),
                        Words.uint(answers.get(eModesAt + 3 * k + 1), 0), Words.uint(answers.get(eModesAt + 3 * k + 2), 0)));
            }
        }
        boolean sentinelBlocks = !contracts.sentinel().isZero() && Words.uint(answers.get(sentinelAt), 0).signum() == 0;
        List<Reserve> byId = new ArrayList<>(previous.reservesById());
        reserves.forEach(r -> byId.set(r.id(), r));
        Market market = new Market(byId, eModes, previous.rules(), sentinelBlocks);
        return new HeadState(new BlockState(market, priceMap(priced, answers.get(pricesAt)), sampled),
                positionsRead.finish(positionAnswers, market, true, (more, what) -> read(more, tag, what)));
    }

    /** Oracle prices of every reserve and every eMode price source, in one call. */
    public Map<Address, BigInteger> loadPrices(AaveV3Contracts contracts, Market market, BlockTag tag) {
        List<Address> assets = pricedAssets(market);
        return priceMap(assets, rpc.call(CallRequest.call(contracts.oracle(), Abi.call("getAssetsPrices(address[])",
                new DynamicArray<>(org.web3j.abi.datatypes.Address.class, assets.stream().map(Abi::address).toList()))), tag));
    }

    /** Every address the oracle prices for this market: each reserve, then each eMode category's price source. */
    public static List<Address> pricedAssets(Market market) {
        List<Address> assets = new ArrayList<>();
        market.reservesById().stream().filter(r -> r != null).forEach(r -> assets.add(r.asset()));
        market.eModeCategories().values().stream().map(EModeCategory::priceSource).filter(a -> !a.isZero()).forEach(assets::add);
        return assets;
    }

    /** The oracle's source (feed) of every priced address, in one Multicall3 round: asset → source. */
    public Map<Address, Address> loadSources(AaveV3Contracts contracts, Market market, BlockTag tag) {
        List<Address> assets = pricedAssets(market);
        List<String> answers = read(assets.stream()
                .map(a -> new Multicall3.Call(contracts.oracle(), Abi.call("getSourceOfAsset(address)", address(a)))).toList(), tag, "price sources");
        Map<Address, Address> sources = new LinkedHashMap<>();
        for (int i = 0; i < assets.size(); i++) {
            sources.put(assets.get(i), Words.address(answers.get(i), 0));
        }
        return sources;
    }

    /** AaveOracle.getAssetsPrices answers in the order asked. */
    private static Map<Address, BigInteger> priceMap(List<Address> assets, String answer) {
        List<BigInteger> values = Words.uints(answer);
        Map<Address, BigInteger> prices = new LinkedHashMap<>();
        for (int i = 0; i < assets.size(); i++) {
            prices.put(assets.get(i), values.get(i));
        }
        return prices;
    }

    /** Positions of {@code accounts}: configuration and eMode first, then only the balances the configuration flags. */
    public List<Position> loadPositions(AaveV3Contracts contracts, Market market, List<Address> accounts, BlockTag tag) {
        return loadPositions(contracts, market, accounts, account -> null, tag);
    }

    /**
     * {@link #loadPositions(AaveV3Contracts, Market, List, BlockTag)}, the balances each account's {@code lastConfiguration}
     * (null: none known) flags riding with the configurations, as {@link #loadHead} reads touched accounts: the positions a
     * head's events touched when its block state was read apart ({@link AaveV3Monitor#prefetch}).
     */
    public List<Position> loadPositions(AaveV3Contracts contracts, Market market, List<Address> accounts,
                                        java.util.function.Function<Address, BigInteger> lastConfiguration, BlockTag tag) {
        PositionsRead positions = new PositionsRead(contracts, market, accounts, lastConfiguration);
        return positions.finish(read(positions.firstCalls(), tag, "positions"), market, true, (calls, what) -> read(calls, tag, what));
    }

    /** ReserveData is a static struct: 15 words, in DataTypes.sol's order. */
    static Reserve decodeReserve(Address asset, String data) {
        BigInteger configuration = Words.uint(data, 0);
        return new Reserve(asset, Words.uint(data, 7).intValueExact(), ReserveConfiguration.decode(configuration), configuration,
                Words.uint(data, 1), Words.uint(data, 2), Words.uint(data, 3), Words.uint(data, 4), Words.uint(data, 5),
                Words.uint(data, 6).longValueExact(), Words.address(data, 8), Words.address(data, 9), Words.address(data, 10));
    }

    /** EModeCategory has a string, so it comes behind an offset word: (ltv, threshold, bonus, priceSource, label). */
    static EModeCategory decodeEMode(int id, String data) {
        int tuple = Words.uint(data, 0).intValueExact() / 32;
        int labelAt = tuple + Words.uint(data, tuple + 4).intValueExact() / 32;
        int labelLength = Words.uint(data, labelAt).intValueExact();
        String digits = Hex.strip(data);
        String label = new String(Hex.bytes(digits.substring((labelAt + 1) * 64, (labelAt + 1) * 64 + labelLength * 2)), StandardCharsets.UTF_8);
        return new EModeCategory(id, Words.uint(data, tuple).intValueExact(), Words.uint(data, tuple + 1).intValueExact(),
                Words.uint(data, tuple + 2).intValueExact(), Words.address(data, tuple + 3), label);
    }

    private List<String> read(List<Multicall3.Call> calls, BlockTag tag, String what) {
        return multicall.aggregate3AllSucceeding(calls, tag, i -> "reading " + what + ": call to " + calls.get(i).target());
    }
}
