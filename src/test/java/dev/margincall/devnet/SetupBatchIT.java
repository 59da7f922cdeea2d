package dev.margincall.devnet;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A setup batch is checked by the events of its transactions: a reverted one is named, the others take effect. */
@WithDevnet
class SetupBatchIT {

    private static final Address ALICE = Address.of("0x00000000000000000000000000000000000a11ce");
    private static final Address BOB = Address.of("0x0000000000000000000000000000000000000b0b");
    private static final BigInteger AMOUNT = BigInteger.TEN.pow(18);

    @Test
    void everyTransactionOfTheBatchIsMinedInOrderPerSender(Devnet devnet) {
        DevChain chain = devnet.chain();
        Address weth = devnet.deployment().reserve("WETH").asset();
        Address pool = devnet.deployment().aaveV3().pool();
        chain.setBalances(List.of(ALICE, BOB), AMOUNT);
        SetupBatch batch = new SetupBatch(chain);
        batch.add("alice mint", ALICE, weth, Abi.call("mint(uint256)", uint(AMOUNT)), 150_000);
        batch.add("alice approve", ALICE, weth, Abi.call("approve(address,uint256)", address(pool), uint(AMOUNT)), 100_000);
        batch.add("alice supply", ALICE, pool, supply(weth, ALICE), 500_000);
        batch.add("bob mint", BOB, weth, Abi.call("mint(uint256)", uint(AMOUNT)), 150_000);

        assertThat(batch.mineAll()).isPositive();
        assertThat(balance(chain, weth, BOB)).isEqualTo(AMOUNT);
        assertThat(balance(chain, weth, ALICE)).isZero(); // supplied to the pool, after its mint and approval
        assertThat(chain.transactionCounts(List.of(ALICE, BOB), BlockTag.LATEST)).containsExactly(3L, 1L);
    }

    @Test
    void aRevertedTransactionIsNamed(Devnet devnet) {
        DevChain chain = devnet.chain();
        Address weth = devnet.deployment().reserve("WETH").asset();
        Address pool = devnet.deployment().aaveV3().pool();
        Address carol = Address.of("0x00000000000000000000000000000000000ca201");
        chain.setBalances(List.of(carol), AMOUNT);
        SetupBatch batch = new SetupBatch(chain);
        batch.add("carol mint", carol, weth, Abi.call("mint(uint256)", uint(AMOUNT)), 150_000);
        batch.add("carol supply without approval", carol, pool, supply(weth, carol), 500_000);

        assertThatThrownBy(batch::mineAll).isInstanceOf(DevnetException.class)
                .hasMessageContaining("carol supply without approval reverted or was not mined");
        assertThat(balance(chain, weth, carol)).isEqualTo(AMOUNT); // the mint before it took effect
    }

    private static String supply(Address asset, Address onBehalfOf) {
        return Abi.call("supply(address,uint256,address,uint16)", address(asset), uint(AMOUNT), address(onBehalfOf), Abi.uint16(0));
    }

    private static BigInteger balance(DevChain chain, Address token, Address owner) {
        return Abi.decodeUint(chain.call(CallRequest.call(token, Abi.call("balanceOf(address)", address(owner))), BlockTag.LATEST));
    }
}
