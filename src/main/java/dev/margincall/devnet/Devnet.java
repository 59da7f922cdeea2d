package dev.margincall.devnet;

import dev.margincall.chain.DevChain;
import dev.margincall.chain.web3j.Web3jDevChain;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A running devnet: a local chain with its markets deployed and borrowers seeded. Owns the chain
 * node: closing the devnet stops it.
 */
public final class Devnet implements AutoCloseable {

    private final ChainNode node;
    private final DevChain chain;
    private final ChainTools tools;
    private final Deployment deployment;
    private final List<DevnetMarket> markets;
    private final AaveVersion aaveVersion;
    private final Map<String, List<MorphoBorrower>> morphoBorrowers;

    private Devnet(ChainNode node, DevChain chain, ChainTools tools, Deployment deployment, List<DevnetMarket> markets,
                   AaveVersion aaveVersion, Map<String, List<MorphoBorrower>> morphoBorrowers) {
        this.aaveVersion = aaveVersion;
        this.morphoBorrowers = morphoBorrowers;
        this.node = node;
        this.chain = chain;
        this.tools = tools;
        this.deployment = deployment;
        this.markets = List.copyOf(markets);
    }

    /** Deploys the standard market on {@code node} and seeds {@code borrowerCount} borrowers from {@code seed}. */
    public static Devnet launch(ChainNode node, int borrowerCount, long seed) {
        return launch(node, borrowerCount, seed, 1);
    }

    /**
     * Deploys the first {@code marketCount} devnet markets ({@link MarketSpec#markets}) on {@code node}
     * and seeds {@code borrowerCount} borrowers in each, every market's from {@code seed} and its name.
     */
    public static Devnet launch(ChainNode node, int borrowerCount, long seed, int marketCount) {
        return launch(node, borrowerCount, seed, marketCount, AaveVersion.DEFAULT);
    }

    /** The same on Aave {@code version}: every market of the devnet runs that version. */
    public static Devnet launch(ChainNode node, int borrowerCount, long seed, int marketCount, AaveVersion version) {
        return launch(node, borrowerCount, seed, marketCount, version, EnumSet.of(DevnetProtocol.AAVE_V3));
    }

    /**
     * The same with {@code protocols}: with {@link DevnetProtocol#MORPHO_BLUE}, Morpho Blue ({@link MorphoSpec#standard()})
     * is deployed after the Aave markets, on their tokens, and each of its markets gets {@code borrowerCount}
     * borrowers of its own.
     */
    public static Devnet launch(ChainNode node, int borrowerCount, long seed, int marketCount, AaveVersion version,
                                Set<DevnetProtocol> protocols) {
        List<MarketSpec> specs = MarketSpec.markets(marketCount);
        ChainTools tools = ChainTools.locate();
        DevChain chain = new Web3jDevChain(node.rpcUrl());
        try {
            Deployment deployment = new DevnetDeployer(tools, chain, specs, version).deploy(node.rpcUrl());
            List<DevnetMarket> markets = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                MarketSpec spec = specs.get(i);
                markets.add(new DevnetMarket(spec, deployment.aaveV3Markets().get(i), new BorrowerPlanner(spec).plan(borrowerCount, seed)));
            }
            new BorrowerSeeder(chain, deployment).seed(markets);
            Map<String, List<MorphoBorrower>> morphoBorrowers = Map.of();
            if (protocols.contains(DevnetProtocol.MORPHO_BLUE)) {
                deployment = deployment.withMorphoBlue(new MorphoDeployer(tools, chain, MorphoSpec.standard()).deploy(deployment));
                morphoBorrowers = seedMorpho(chain, deployment, borrowerCount, seed);
            }
            return new Devnet(node, chain, tools, deployment, markets, version, morphoBorrowers);
        } catch (RuntimeException e) {
            chain.close();
            node.close();
            throw e;
        }
    }

    /** The positions {@link #launch} seeds: {@code borrowerCount} in each Aave market and, with Morpho Blue, in each of its markets. */
    public static long positions(int borrowerCount, int marketCount, Set<DevnetProtocol> protocols) {
        int morphoMarkets = protocols.contains(DevnetProtocol.MORPHO_BLUE) ? MorphoSpec.standard().markets().size() : 0;
        return (long) borrowerCount * (marketCount + morphoMarkets);
    }

    /** Plans each Morpho market's borrowers at the oracle prices just deployed and seeds them. */
    private static Map<String, List<MorphoBorrower>> seedMorpho(DevChain chain, Deployment deployment, int borrowerCount, long seed) {
        MorphoSpec spec = MorphoSpec.standard();
        Map<String, BigInteger> aaveUsd = new LinkedHashMap<>();
        deployment.reserves().forEach(r -> aaveUsd.put(r.symbol(), r.price()));
        Map<String, BigInteger> usd = spec.withPegged(aaveUsd);
        MorphoMover mover = new MorphoMover(chain, deployment, spec);
        Map<String, List<MorphoBorrower>> borrowers = new LinkedHashMap<>();
        for (Deployment.MorphoMarket market : deployment.morphoBlue().markets()) {
            int decimals = deployment.morphoBlue().token(market.collateralSymbol()).decimals();
            MorphoBorrowerPlanner planner = new MorphoBorrowerPlanner(spec.market(market.name()), decimals, usd.get(market.collateralSymbol()),
                    mover.oraclePrice(market));
            borrowers.put(market.name(), planner.plan(borrowerCount, seed));
        }
        new MorphoSeeder(chain, deployment).seed(borrowers, usd);
        return Collections.unmodifiableMap(borrowers);
    }

    /** Each Morpho market's seeded borrowers, by market name; empty when the devnet has no Morpho Blue. */
    public Map<String, List<MorphoBorrower>> morphoBorrowers() {
        return morphoBorrowers;
    }

    public ChainNode node() {
        return node;
    }

    public DevChain chain() {
        return chain;
    }

    /** The Aave version of every market of this devnet. */
    public AaveVersion aaveVersion() {
        return aaveVersion;
    }

    public Deployment deployment() {
        return deployment;
    }

    /** The first market's borrowers. */
    public List<SeededBorrower> borrowers() {
        return markets.get(0).borrowers();
    }

    /** Every market, the first ("core") first. */
    public List<DevnetMarket> markets() {
        return markets;
    }

    /** Moves prices (in every market at once: they share the feeds) and time. */
    public MarketMover market() {
        return new MarketMover(tools, chain, deployment);
    }

    @Override
    public void close() {
        chain.close();
        node.close();
    }
}
