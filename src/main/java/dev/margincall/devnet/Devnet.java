package dev.margincall.devnet;

import dev.margincall.chain.DevChain;
import dev.margincall.chain.web3j.Web3jDevChain;
import java.util.ArrayList;
import java.util.List;

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

    private Devnet(ChainNode node, DevChain chain, ChainTools tools, Deployment deployment, List<DevnetMarket> markets,
                   AaveVersion aaveVersion) {
        this.aaveVersion = aaveVersion;
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
            return new Devnet(node, chain, tools, deployment, markets, version);
        } catch (RuntimeException e) {
            chain.close();
            node.close();
            throw e;
        }
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
