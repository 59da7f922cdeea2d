package dev.margincall.chain.web3j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The send answers' warm-up reads a made-up answer and refusal with web3j's own mapper: if web3j ever read them
 * otherwise (a renamed type, a stricter mapper), the warm-up would fail silently at start and the first crash would
 * pay for the deserializer again; this says so instead.
 */
class Web3jEthRpcWarmUpTest {

    @Test
    void theSendAnswerWarmUpReadsAnAnswerAndARefusal() {
        assertThat(Web3jEthRpc.warmUpSendAnswers()).isTrue();
    }
}
