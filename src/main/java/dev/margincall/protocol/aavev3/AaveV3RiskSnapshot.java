package dev.margincall.protocol.aavev3;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.model.AaveV3Book;
import dev.margincall.protocol.aavev3.model.AccountBreakdown;
import dev.margincall.protocol.aavev3.model.AccountData;
import dev.margincall.protocol.aavev3.model.AccountEvaluator;
import dev.margincall.protocol.aavev3.model.BlockContext;
import dev.margincall.protocol.aavev3.model.InterestMath;
import dev.margincall.protocol.aavev3.model.LargestLiquidation;
import dev.margincall.protocol.aavev3.model.LiquidationMath;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.aavev3.model.Reserve;
import dev.margincall.protocol.aavev3.model.SafetyMargin;
import dev.margincall.protocol.aavev3.model.WadRayMath;
import dev.margincall.protocol.spi.AccountExposure;
import dev.margincall.protocol.spi.AccountHealth;
import dev.margincall.protocol.spi.AccountMargin;
import dev.margincall.protocol.spi.LiquidationSums;
import dev.margincall.protocol.spi.LiquidationValue;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.Quote;
import dev.margincall.protocol.spi.RiskAsset;
import dev.margincall.protocol.spi.RiskSnapshot;
import dev.margincall.protocol.spi.ShockedMarket;
import dev.margincall.protocol.spi.SnapshotHeader;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An Aave V3 market frozen at one block for the risk report: the book's positions (immutable records,
 * so copying the references is a copy), the reserves and the oracle prices. Every figure comes from the
 * model's public entry points: {@link AccountEvaluator} (Pool.getUserAccountData), {@link LiquidationMath#quotes}
 * (the Pool's liquidation rules of the version the model implements) and {@link SafetyMargin} (as scan).
 */
public final class AaveV3RiskSnapshot implements RiskSnapshot {

    private final SnapshotHeader header;
    private final Market market;
    private final Map<Address, BigInteger> prices;
    private final Address[] accounts;
    private final Position[] positions;
    private final Map<Address, Integer> assetIndex = new HashMap<>();
    private final BlockContext context;
    /** Each account's units for {@link LargestLiquidation}, made on first use (immutable: a race only makes one twice). */
    private final LargestLiquidation.Prepared[] prepared;

    /**
     * @param symbols display symbols by asset (an asset without one is shown by its address)
     */
    public AaveV3RiskSnapshot(MarketId id, Valuation valuation, long block, Market market, Map<Address, BigInteger> prices, long timestamp,
                              List<Position> positions, Map<Address, String> symbols) {
        this.market = market;
        this.prices = Map.copyOf(prices);
        List<Position> held = positions.stream().filter(p -> !p.isEmpty()).toList();
        this.accounts = held.stream().map(Position::account).toArray(Address[]::new);
        this.positions = held.toArray(Position[]::new);
        this.prepared = new LargestLiquidation.Prepared[this.positions.length];
        List<RiskAsset> listed = new ArrayList<>();
        for (Reserve reserve : market.reservesById()) {
            if (reserve == null) {
                continue;
            }
            assetIndex.put(reserve.asset(), listed.size());
            listed.add(new RiskAsset(reserve.asset(), symbols.getOrDefault(reserve.asset(), reserve.asset().toString()),
                    reserve.configuration().decimals(), this.prices.get(reserve.asset())));
        }
        this.header = new SnapshotHeader(id, valuation, block, timestamp, listed);
        this.context = new BlockContext(market, this.prices, timestamp);
    }

    /** The book as it stands (the caller holds the book's writer, e.g. the head thread, while this copies it). */
    public static AaveV3RiskSnapshot of(MarketId id, Valuation valuation, long block, AaveV3Book book, Market market,
                                        Map<Address, BigInteger> prices, Map<Address, String> symbols) {
        List<Position> positions = new ArrayList<>(book.size());
        for (int i = 0; i < book.size(); i++) {
            book.position(book.accountAt(i)).ifPresent(positions::add);
        }
        return new AaveV3RiskSnapshot(id, valuation, block, market, prices, book.timestamp(), positions, symbols);
    }

    @Override
    public SnapshotHeader header() {
        return header;
    }

    /** 3.6 values debt with {@code mulDivCeil} (GenericLogic.sol:229). */
    @Override
    public boolean debtValueRoundsUp() {
        return market.rules() == dev.margincall.protocol.aavev3.model.AaveRules.V3_6;
    }

    @Override
    public int size() {
        return accounts.length;
    }

    @Override
    public Address account(int index) {
        return accounts[index];
    }

    @Override
    public AccountExposure exposure(int index) {
        Position position = positions[index];
        AccountBreakdown breakdown = AccountEvaluator.breakdown(context, position);
        List<AccountExposure.Line> lines = new ArrayList<>(breakdown.lines().size());
        for (AccountBreakdown.Line line : breakdown.lines()) {
            int reserve = line.reserveId();
            Position.Balances balances = position.balances(reserve);
            // a line counts as collateral only when the pool counts it; balances as the evaluation rounded them (the version's way)
            BigInteger collateralUnits = line.collateralBase().signum() == 0 ? BigInteger.ZERO : line.collateralUnits();
            BigInteger debtUnits = BigInteger.ZERO;
            if (position.isBorrowing(reserve)) {
                debtUnits = line.variableDebtUnits();
                if (balances.stablePrincipal().signum() > 0) {
                    debtUnits = debtUnits.add(WadRayMath.rayMul(balances.stablePrincipal(),
                            InterestMath.compounded(balances.stableRate(), balances.stableLastUpdate(), header.timestamp())));
                }
            }
            lines.add(new AccountExposure.Line(assetIndex.get(line.asset()), line.collateralBase(), line.liquidationThreshold(), line.debtBase(),
                    collateralUnits, debtUnits));
        }
        AccountData totals = breakdown.totals();
        return new AccountExposure(totals.healthFactor(), totals.totalCollateralBase(), totals.totalDebtBase(), lines);
    }

    @Override
    public AccountMargin margin(int index) {
        SafetyMargin margin = SafetyMargin.of(AccountEvaluator.breakdown(context, positions[index]));
        return new AccountMargin(margin.marginPct(), margin.assets().stream()
                .map(a -> new AccountMargin.AssetMargin(assetIndex.get(a.asset()), a.dropPct(), a.liquidationPrice())).toList());
    }

    /** The account's units for {@link LargestLiquidation}, made on first use. */
    private LargestLiquidation.Prepared prepared(int account) {
        LargestLiquidation.Prepared units = prepared[account];
        if (units == null) {
            units = LargestLiquidation.prepare(context, positions[account]);
            prepared[account] = units;
        }
        return units;
    }

    @Override
    public ShockedMarket at(Map<Address, BigInteger> newPrices) {
        Map<Address, BigInteger> merged = new HashMap<>(prices);
        merged.putAll(newPrices);
        BlockContext shocked = new BlockContext(market, merged, header.timestamp());
        return new ShockedMarket() {
            @Override
            public AccountHealth health(int account) {
                AccountData data = AccountEvaluator.evaluate(shocked, positions[account], null);
                return new AccountHealth(data.healthFactor(), data.totalCollateralBase(), data.totalDebtBase());
            }

            @Override
            public List<Quote> quotes(int account) {
                return List.copyOf(LiquidationMath.quotes(shocked, positions[account]));
            }

            @Override
            public LiquidationValue largestLiquidation(int account) {
                LargestLiquidation.Figures figures = LargestLiquidation.at(shocked, positions[account], prepared(account));
                return figures == null ? LiquidationValue.largest(LiquidationMath.quotes(shocked, positions[account]))
                        : new LiquidationValue(figures.repaid(), figures.bonus());
            }

            @Override
            public void addLargestLiquidation(int account, LiquidationSums sums) {
                LargestLiquidation.Figures figures = LargestLiquidation.at(shocked, positions[account], prepared(account));
                if (figures == null) {
                    ShockedMarket.super.addLargestLiquidation(account, sums);
                } else if (figures.narrow()) {
                    sums.add(figures.narrowRepaid(), figures.narrowBonus());
                } else {
                    sums.add(figures.wideRepaid(), figures.wideBonus());
                }
            }
        };
    }
}
