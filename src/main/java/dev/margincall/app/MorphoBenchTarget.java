package dev.margincall.app;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.Devnet;
import dev.margincall.devnet.DevnetException;
import dev.margincall.devnet.DevnetProtocol;
import dev.margincall.devnet.MorphoBorrower;
import dev.margincall.devnet.RiskBand;
import dev.margincall.devnet.Transactor;
import dev.margincall.protocol.morphoblue.MorphoLiquidator;
import dev.margincall.protocol.morphoblue.MarketParams;
import dev.margincall.protocol.morphoblue.MorphoBlueEvents;
import dev.margincall.protocol.morphoblue.MorphoBlueScan;
import dev.margincall.submit.TransactionSigner;
import java.math.BigInteger;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code bench --protocol morpho-blue}: the devnet's three Morpho Blue markets (their borrowers: {@code --users} per
 * market) beside the Aave market that provides tokens, feeds and pools. The crash's source swaps move Morpho's oracles
 * too ({@link dev.margincall.devnet.MarketMover#setPrice}); the ground truth is the exact model on the chain's reads at
 * each block ({@link MorphoBlueScan#at}: totals accrued to the block, {@code _isHealthy}), equal to the chain's own
 * {@code liquidate} verdict to the wei (MorphoDifferentialIT).
 */
final class MorphoBenchTarget implements BenchTarget {

    /** The market whose oracle the silent price moves write: WBTC/USDC, ±1 bp (nobody's health crosses 1). */
    private static final String QUIET_MARKET = "WBTC/USDC";

    private BigInteger quietPrice;

    @Override
    public String protocol() {
        return "morpho-blue";
    }

    @Override
    public Set<DevnetProtocol> devnetProtocols() {
        return EnumSet.of(DevnetProtocol.AAVE_V3, DevnetProtocol.MORPHO_BLUE);
    }

    /** Every loan token minted to the keeper and approved to Morpho, which pulls the repayment (wallet funding). */
    @Override
    public void fundAndApprove(Devnet devnet, Address keeper) {
        Transactor tx = new Transactor(devnet.chain());
        devnet.chain().setBalance(keeper, BigInteger.TEN.pow(22));
        Deployment.MorphoBlue morpho = devnet.deployment().morphoBlue();
        for (Address token : morpho.markets().stream().map(Deployment.MorphoMarket::loanToken).distinct().toList()) {
            BigInteger plenty = BigInteger.TEN.pow(36);
            tx.send("mint a loan token to the keeper", keeper, token, Abi.call("mint(uint256)", Abi.uint(plenty)));
            tx.send("approve Morpho", keeper, token, Abi.call("approve(address,uint256)", Abi.address(morpho.morpho()), Abi.uint(plenty)));
        }
    }

    /** Our MorphoLiquidator: contract funding through Morpho's callback, its batch entries for batches. */
    @Override
    public Address deployLiquidator(Devnet devnet, Address keeper) {
        return new Transactor(devnet.chain()).deploy("MorphoLiquidator", keeper,
                MorphoLiquidator.deployData(devnet.deployment().morphoBlue().morpho(), devnet.deployment().uniswapV2().router()));
    }

    @Override
    public KeeperConfig.Protocol keeperEntry(Devnet devnet) {
        Deployment deployment = devnet.deployment();
        Deployment.MorphoBlue morpho = deployment.morphoBlue();
        return KeeperConfig.Protocol.morphoBlue(new KeeperConfig.MorphoBlue(morpho.morpho(), List.of(), deployment.aaveV3().oracle()), morpho.startBlock(),
                Optional.of("morpho"));
    }

    @Override
    public NaiveBot naive(EthRpc rpc, TransactionSigner signer, Devnet devnet, NaiveKeeper.Probe probe) {
        Deployment deployment = devnet.deployment();
        List<NaiveMorphoKeeper.Position> positions = new java.util.ArrayList<>();
        for (Deployment.MorphoMarket market : deployment.morphoBlue().markets()) {
            devnet.morphoBorrowers().getOrDefault(market.name(), List.of())
                    .forEach(b -> positions.add(new NaiveMorphoKeeper.Position(params(market), b.address())));
        }
        return new NaiveMorphoKeeper(rpc, signer, positions, new NaiveMorphoKeeper.Settings(deployment.chainId(), deployment.morphoBlue().morpho(),
                1_000_000, BigInteger.valueOf(1_000_000_000L), 1000, Duration.ofMillis(50)), probe);
    }

    @Override
    public List<Address> accounts(Devnet devnet) {
        return devnet.morphoBorrowers().values().stream().flatMap(List::stream).map(MorphoBorrower::address).toList();
    }

    @Override
    public void movePrice(Devnet devnet, int i) {
        Deployment.MorphoMarket market = devnet.deployment().morphoBlue().market(QUIET_MARKET);
        if (quietPrice == null) {
            quietPrice = devnet.market().morpho().oraclePrice(market);
        }
        devnet.market().morpho().setOraclePrice(market, i % 2 == 0 ? quietPrice.add(quietPrice.divide(BigInteger.valueOf(10_000))) : quietPrice);
    }

    @Override
    public void restorePrice(Devnet devnet) {
        if (quietPrice != null) {
            devnet.market().morpho().setOraclePrice(devnet.deployment().morphoBlue().market(QUIET_MARKET), quietPrice);
        }
    }

    /** A borrower of the safest band withdraws 1 % of its collateral. */
    @Override
    public boolean positionEvent(Devnet devnet, int i) {
        List<MorphoBorrower> all = devnet.morphoBorrowers().values().stream().flatMap(List::stream).toList();
        List<MorphoBorrower> safe = all.stream().filter(b -> b.band() == RiskBand.values()[RiskBand.values().length - 1]).toList();
        List<MorphoBorrower> candidates = safe.isEmpty() ? all : safe;
        MorphoBorrower borrower = candidates.get(i % candidates.size());
        Deployment.MorphoMarket market = devnet.deployment().morphoBlue().market(borrower.market());
        try {
            new Transactor(devnet.chain()).send("withdrawCollateral", borrower.address(), devnet.deployment().morphoBlue().morpho(),
                    Abi.call("withdrawCollateral(" + MarketParams.TUPLE + ",uint256,address,address)", params(market).with(
                            Abi.uint(borrower.collateral().divide(BigInteger.valueOf(100))), Abi.address(borrower.address()), Abi.address(borrower.address()))),
                    500_000);
            return true;
        } catch (DevnetException e) {
            return false; // refused: a transaction, but no position event
        }
    }

    /**
     * Morpho's oracles first, by transactions (a storage write would change the head's state in place and blur the block
     * the price moved at), then Aave's source swap, whose own follow of Morpho's oracles then finds nothing to write.
     */
    @Override
    public void crashStep(Devnet devnet, String symbol, BigInteger price) {
        devnet.market().morpho().followByTransactions(devnet.market().pricesWith(symbol, price));
        devnet.market().setPrice(symbol, price, dev.margincall.devnet.PriceMoveMethod.SOURCE_SWAP);
    }

    /** The oracle of the first market that lends against {@code symbol}. */
    @Override
    public long priceReached(Devnet devnet, String symbol, long from) throws InterruptedException {
        Deployment.MorphoMarket market = devnet.deployment().morphoBlue().markets().stream().filter(m -> m.collateralSymbol().equals(symbol))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no Morpho market lends against " + symbol));
        return BenchTarget.firstChange(devnet.chain(), from, block -> Abi.decodeUint(devnet.chain().call(
                dev.margincall.chain.CallRequest.call(market.oracle(), Abi.call("price()")), BlockTag.number(block))));
    }

    @Override
    public Set<Address> liquidatable(Devnet devnet, List<Address> accounts, long block) {
        Deployment deployment = devnet.deployment();
        Deployment.MorphoBlue morpho = deployment.morphoBlue();
        Map<String, MarketParams> markets = new LinkedHashMap<>();
        morpho.markets().forEach(m -> markets.put(m.id(), params(m)));
        Set<Address> wanted = new HashSet<>(accounts);
        List<MorphoBlueEvents.PositionTouched> keys = new java.util.ArrayList<>();
        for (Deployment.MorphoMarket market : morpho.markets()) {
            devnet.morphoBorrowers().getOrDefault(market.name(), List.of()).stream().filter(b -> wanted.contains(b.address()))
                    .forEach(b -> keys.add(new MorphoBlueEvents.PositionTouched(market.id(), b.address())));
        }
        MorphoBlueScan.Result scan = new MorphoBlueScan(devnet.chain(), deployment.multicall3(), morpho.morpho(), morpho.startBlock(), Optional.empty())
                .at(devnet.chain().block(BlockTag.number(block)), markets, keys);
        Set<Address> out = new HashSet<>();
        scan.liquidatable().forEach(row -> out.add(row.account()));
        return out;
    }

    @Override
    public Liquidations liquidations(Devnet devnet, java.util.Set<Address> liquidators, long from, long to) {
        return Liquidations.of(devnet.chain().logs(new LogFilter(from, to, List.of(devnet.deployment().morphoBlue().morpho()),
                        List.of(MorphoBlueEvents.LIQUIDATE))),
                log -> liquidators.contains(MorphoBlueEvents.liquidated(log).orElseThrow().caller()), log -> MorphoBlueEvents.liquidated(log).orElseThrow().borrower());
    }

    @Override
    public Map<String, Object> scenarioNotes() {
        return Map.of("priceMoves", "the " + QUIET_MARKET + " oracle +-1 bp by silent storage writes, one per block",
                "positionEvents", "a borrower withdraws 1% of its Morpho collateral, one per block");
    }

    private static MarketParams params(Deployment.MorphoMarket market) {
        return new MarketParams(market.loanToken(), market.collateralToken(), market.oracle(), market.irm(), market.lltv());
    }
}
