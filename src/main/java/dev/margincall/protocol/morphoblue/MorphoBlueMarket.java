package dev.margincall.protocol.morphoblue;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.core.Address;
import dev.margincall.core.BlockRef;
import dev.margincall.core.Rounding;
import dev.margincall.protocol.morphoblue.model.InterestAccrual;
import dev.margincall.protocol.morphoblue.model.Liquidation;
import dev.margincall.protocol.morphoblue.model.LiquidationQuote;
import dev.margincall.protocol.morphoblue.model.MarketState;
import dev.margincall.protocol.morphoblue.model.PositionHealth;
import dev.margincall.protocol.morphoblue.model.PositionState;
import dev.margincall.protocol.spi.LendingMarket;
import dev.margincall.protocol.spi.LiquidationEncoder;
import dev.margincall.protocol.spi.MarketId;
import dev.margincall.protocol.spi.MarketLiquidation;
import dev.margincall.protocol.spi.Opportunity;
import dev.margincall.protocol.spi.PositionId;
import dev.margincall.protocol.spi.Quote;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Morpho Blue contract behind the protocol-neutral seam: all its (configured) markets are one
 * {@link LendingMarket}, so a borrower with positions in several Morpho markets is one account with one quote per
 * liquidatable position. Quotes come from the pure model at the next block's timestamp, the largest liquidation
 * that does not revert (there is no close factor). Values: the loan token's USD price from {@link UsdPrices},
 * the collateral through the market's own oracle, so a quote's profit is what Morpho itself would pay.
 */
public final class MorphoBlueMarket implements LendingMarket {

    private static final BigInteger ORACLE_PRICE_SCALE = PositionHealth.ORACLE_PRICE_SCALE;

    private final MarketId id;
    private final MorphoBlueMonitor monitor;
    private final UsdPrices usd;
    private final MorphoBlueEncoder encoder;
    private final Optional<BigDecimal> badDebtLossCapUsd;
    private Valuation valuation;
    private Map<Address, String> symbols = Map.of();

    public MorphoBlueMarket(MarketId id, MorphoBlueMonitor monitor, UsdPrices usd, Address morpho) {
        this(id, monitor, usd, morpho, Optional.empty());
    }

    /**
     * @param badDebtLossCapUsd {@code realizeBadDebt: true}: the most a liquidation that realizes bad debt may lose
     *                          ({@code maxBadDebtLossUsd}); empty: such a liquidation must be profitable like any other
     */
    public MorphoBlueMarket(MarketId id, MorphoBlueMonitor monitor, UsdPrices usd, Address morpho, Optional<BigDecimal> badDebtLossCapUsd) {
        this.id = id;
        this.monitor = monitor;
        this.usd = usd;
        this.encoder = new MorphoBlueEncoder(morpho);
        this.badDebtLossCapUsd = badDebtLossCapUsd;
    }

    @Override
    public MarketId id() {
        return id;
    }

    @Override
    public void start(BlockHeader head) {
        monitor.start(head);
        valuation = usd.valuation(BlockTag.number(head.number()));
        symbols = monitor.symbols(BlockTag.number(head.number()));
    }

    /** Every position with interest accrued to the last evaluated head, for the risk report ({@link MorphoRiskSnapshot}). */
    @Override
    public dev.margincall.protocol.spi.RiskSnapshot riskSnapshot() {
        if (monitor.evaluatedBlock() < 0) {
            throw new IllegalStateException("market " + id + " is not started: no positions to copy yet");
        }
        List<MorphoRiskSnapshot.Market> markets = new ArrayList<>();
        Map<Address, BigInteger> usdPrices = new java.util.HashMap<>();
        for (MorphoBlueScan.ScannedMarket market : monitor.markets()) {
            markets.add(new MorphoRiskSnapshot.Market(market.id(), market.params(), market.accrued(), market.price(),
                    monitor.decimals(market.params().collateralToken()), monitor.decimals(market.params().loanToken())));
            monitor.usdPrice(market.params().loanToken()).ifPresent(p -> usdPrices.put(market.params().loanToken(), p));
        }
        Map<String, Map<Address, PositionState>> positions = new java.util.HashMap<>();
        monitor.positions().forEach((touched, position) ->
                positions.computeIfAbsent(touched.id(), k -> new java.util.HashMap<>()).put(touched.account(), position));
        return new MorphoRiskSnapshot(id, valuation, monitor.evaluatedBlock(), monitor.evaluatedTimestamp(), markets, positions, usdPrices, symbols);
    }

    @Override
    public void onRollback(BlockRef commonAncestor, List<BlockHeader> removed) {
        monitor.onRollback(commonAncestor, removed);
    }

    @Override
    public void onBlock(BlockHeader header) {
        monitor.onBlock(header);
    }

    @Override
    public void headComing(BlockHeader newest) {
        monitor.prefetch(newest);
    }

    @Override
    public void onHead(BlockHeader head) {
        monitor.onHead(head);
    }

    /** Writes the log checkpoint (markets and positions known, cursor): a restart resumes after it. */
    @Override
    public void flush() {
        monitor.flush();
    }

    @Override
    public long evaluatedBlock() {
        return monitor.evaluatedBlock();
    }

    @Override
    public int accountsTracked() {
        return monitor.accountCount();
    }

    @Override
    public List<Address> accounts() {
        return monitor.accounts();
    }

    /** Liquidatable positions (an account liquidatable in two markets counts twice). */
    @Override
    public int liquidatableCount() {
        return monitor.liquidatableCount();
    }

    @Override
    public List<Address> accountsNearLiquidation() {
        return monitor.accountsNearLiquidation();
    }

    /** Every position of {@code account} with debt, accrued to {@code nextTimestamp}; a quote for each liquidatable one the values can price. */
    @Override
    public Opportunity opportunity(Address account, long nextTimestamp) {
        boolean liquidatable = false;
        boolean unpriced = false;
        List<Quote> quotes = new ArrayList<>();
        for (Map.Entry<String, PositionState> e : monitor.positionsOf(account).entrySet()) {
            PositionState position = e.getValue();
            if (position.borrowShares().signum() == 0) {
                continue;
            }
            MorphoBlueScan.ScannedMarket market = monitor.market(e.getKey()).orElseThrow();
            MarketState accrued = InterestAccrual.accrue(market.stored(), market.borrowRate(), nextTimestamp).market();
            PositionHealth health = PositionHealth.of(position, accrued, market.price(), market.params().lltv());
            if (health.healthy()) {
                continue;
            }
            liquidatable = true;
            Optional<BigInteger> loanPrice = monitor.usdPrice(market.params().loanToken());
            if (loanPrice.isEmpty()) {
                unpriced = true; // no USD price for the loan token: the profit cannot be valued against minProfitUsd
                continue;
            }
            quote(account, market, position, accrued, health, loanPrice.get()).ifPresent(quotes::add);
        }
        return new Opportunity(new PositionId(id, account), liquidatable, quotes, unpriced);
    }

    private Optional<Quote> quote(Address account, MorphoBlueScan.ScannedMarket market, PositionState position, MarketState accrued,
                                  PositionHealth health, BigInteger debtPrice) {
        return largestQuote(market.id(), market.params(), account, position, accrued, market.price(), health,
                monitor.decimals(market.params().collateralToken()), monitor.decimals(market.params().loanToken()), debtPrice)
                .map(q -> q.withLossAllowance(badDebtLossCapUsd.map(valuation::fromUsdFloor)));
    }

    /**
     * The largest liquidation that does not revert: all the collateral when that repays no more than the borrower's
     * shares, else all the shares (Liquidation's two sizings, remembered for the encoder). Also what the risk report
     * quotes at other prices.
     */
    static Optional<MorphoQuote> largestQuote(String marketId, MarketParams params, Address account, PositionState position,
                                              MarketState accrued, BigInteger oraclePrice, PositionHealth health, int collateralDecimals,
                                              int loanDecimals, BigInteger loanPrice) {
        Liquidation liquidation = new Liquidation(position, accrued, oraclePrice, params.lltv());
        LiquidationQuote quote;
        boolean bySeized;
        try {
            quote = liquidation.bySeizedAssets(position.collateral());
            bySeized = true;
        } catch (Liquidation.Reverts moreThanTheDebt) {
            try {
                quote = liquidation.byRepaidShares(position.borrowShares());
                bySeized = false;
            } catch (Liquidation.Reverts neither) {
                return Optional.empty();
            }
        }
        return Optional.of(new MorphoQuote(marketId, params, account, quote, bySeized,
                collateralPrice(oraclePrice, collateralDecimals, loanDecimals, loanPrice), loanPrice, collateralDecimals,
                loanDecimals, health.healthFactor()));
    }

    /** One whole collateral token in the value unit: the oracle's loan units per collateral unit, times the loan token's price (down). */
    static BigInteger collateralPrice(BigInteger oraclePrice, int collateralDecimals, int loanDecimals, BigInteger loanPrice) {
        return oraclePrice.multiply(BigInteger.TEN.pow(collateralDecimals)).multiply(loanPrice)
                .divide(ORACLE_PRICE_SCALE.multiply(BigInteger.TEN.pow(loanDecimals)));
    }

    @Override
    public Valuation valuation() {
        return valuation;
    }

    /** A loan token's USD price; a collateral token's through the first market that lends a priced token against it. */
    @Override
    public Optional<BigInteger> price(Address asset) {
        Optional<BigInteger> direct = monitor.usdPrice(asset);
        if (direct.isPresent()) {
            return direct;
        }
        for (MorphoBlueScan.ScannedMarket market : monitor.markets()) {
            Optional<BigInteger> loanPrice = monitor.usdPrice(market.params().loanToken());
            if (market.params().collateralToken().equals(asset) && loanPrice.isPresent()) {
                return Optional.of(collateralPrice(market.price(), monitor.decimals(asset), monitor.decimals(market.params().loanToken()),
                        loanPrice.get()));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Address> assets() {
        return monitor.assets();
    }

    @Override
    public LiquidationEncoder encoder() {
        return encoder;
    }

    @Override
    public List<MarketLiquidation> drainLiquidations() {
        List<MarketLiquidation> out = new ArrayList<>();
        for (MorphoBlueMonitor.Seen seen : monitor.drainLiquidations()) {
            MorphoBlueEvents.Liquidated event = seen.event();
            Optional<MorphoBlueScan.ScannedMarket> market = monitor.market(event.id());
            if (market.isEmpty()) {
                continue;
            }
            MarketParams params = market.get().params();
            BigInteger bonus = BigInteger.ZERO;
            Optional<BigInteger> loanPrice = monitor.usdPrice(params.loanToken());
            if (loanPrice.isPresent()) {
                int collateralDecimals = monitor.decimals(params.collateralToken());
                int loanDecimals = monitor.decimals(params.loanToken());
                BigInteger collateralPrice = collateralPrice(market.get().price(), collateralDecimals, loanDecimals, loanPrice.get());
                bonus = event.seizedAssets().multiply(collateralPrice).divide(BigInteger.TEN.pow(collateralDecimals))
                        .subtract(Rounding.mulDivUp(event.repaidAssets(), loanPrice.get(), BigInteger.TEN.pow(loanDecimals)));
            }
            out.add(new MarketLiquidation(new PositionId(id, event.borrower()), event.caller(), seen.block(), seen.transactionHash(),
                    params.collateralToken(), params.loanToken(), event.repaidAssets(), event.seizedAssets(), bonus));
        }
        return out;
    }

    public MorphoBlueMonitor monitor() {
        return monitor;
    }
}
