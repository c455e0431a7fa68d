package net.zcc.agent.nfqueue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The loop over the in-memory queue: verdict order, failures, counters, stop. */
class QueueWorkerTest {
    private final InMemoryPacketQueue queue = new InMemoryPacketQueue(4, Duration.ofMillis(20));

    private static byte[] packet(int tag) {
        byte[] p = new byte[20];
        p[0] = 0x45;
        p[19] = (byte) tag;
        return p;
    }

    /** Drops tag 2, replaces tag 3's last byte, accepts the rest. */
    private static void policy(QueuedPacket p) {
        ByteBuffer b = p.payload();
        int tag = b.get(b.limit() - 1);
        if (tag == 2) {
            p.drop();
        } else if (tag == 3) {
            b.put(b.limit() - 1, (byte) 33);
            p.acceptReplaced(b);
        } else {
            p.accept();
        }
    }

    private Map<Integer, InMemoryPacketQueue.Settled> settledById() {
        return queue.settled().stream().collect(Collectors.toMap(InMemoryPacketQueue.Settled::packetId, Function.identity()));
    }

    @Test
    void dropsAndChangesGoFirstThenOneBatchAccept() {
        for (int tag = 1; tag <= 5; tag++) {
            queue.inject(packet(tag));
        }
        QueueWorker w = new QueueWorker(queue, QueueWorkerTest::policy, 16);
        w.runOnce();

        List<InMemoryPacketQueue.SentVerdict> sent = queue.sentVerdicts();
        assertEquals(3, sent.size(), sent.toString());
        assertEquals(2, sent.get(0).packetId());
        assertEquals(QueuedPacket.Verdict.DROP, sent.get(0).verdict());
        assertEquals(3, sent.get(1).packetId());
        assertEquals(33, sent.get(1).replacement()[19]);
        assertTrue(sent.get(2).batch());
        assertEquals(5, sent.get(2).packetId());

        Map<Integer, InMemoryPacketQueue.Settled> s = settledById();
        assertNull(s.get(2).packet(), "dropped, not swept up by the batch accept");
        assertEquals(33, s.get(3).packet()[19]);
        assertArrayEquals(packet(5), s.get(5).packet());
        assertEquals(0, queue.heldCount());
        assertEquals(5, w.stats().received());
        assertEquals(4, w.stats().accepted());
        assertEquals(1, w.stats().dropped());
    }

    @Test
    void noBatchVerdictWhenNothingIsAccepted() {
        queue.inject(packet(2));
        queue.inject(packet(2));
        new QueueWorker(queue, QueueWorkerTest::policy, 16).runOnce();
        assertTrue(queue.sentVerdicts().stream().noneMatch(InMemoryPacketQueue.SentVerdict::batch));
        assertEquals(0, queue.heldCount());
    }

    @Test
    void processorExceptionDropsThatPacketOnly() {
        queue.inject(packet(1));
        queue.inject(packet(7));
        queue.inject(packet(1));
        QueueWorker w = new QueueWorker(queue, p -> {
            if (p.payload().get(p.payload().limit() - 1) == 7) {
                throw new IllegalStateException("boom");
            }
            p.accept();
        }, 16);
        w.runOnce();
        Map<Integer, InMemoryPacketQueue.Settled> s = settledById();
        assertEquals(QueuedPacket.Verdict.DROP, s.get(2).verdict());
        assertEquals(QueuedPacket.Verdict.ACCEPT, s.get(3).verdict());
        assertEquals(1, w.stats().processorErrors());
        assertEquals(1, w.stats().dropped());
    }

    @Test
    void processorThatDecidesNothingDrops() {
        queue.inject(packet(1));
        new QueueWorker(queue, p -> { }, 16).runOnce();
        assertEquals(QueuedPacket.Verdict.DROP, queue.settled().get(0).verdict());
    }

    @Test
    void malformedWithIdIsDroppedWithoutReachingTheProcessor() {
        queue.inject(packet(1));
        int bad = queue.injectMalformed(true);
        QueueWorker w = new QueueWorker(queue, p -> {
            assertFalse(p.isMalformed());
            p.accept();
        }, 16);
        w.runOnce();
        assertEquals(QueuedPacket.Verdict.DROP, settledById().get(bad).verdict());
        assertEquals(1, w.stats().malformed());
        assertEquals(1, w.stats().dropped());
    }

    @Test
    void malformedWithoutIdIsNeverSweptUpByABatchAccept() {
        int orphan = queue.injectMalformed(false);
        queue.inject(packet(1));
        QueueWorker w = new QueueWorker(queue, PassThrough.INSTANCE, 16);
        w.runOnce();
        assertEquals(1, w.stats().malformed());
        assertNull(settledById().get(orphan), "the orphan stays held, so the kernel drops it at close");
        assertTrue(queue.sentVerdicts().stream().noneMatch(InMemoryPacketQueue.SentVerdict::batch));
        queue.close();
        assertEquals(QueuedPacket.Verdict.DROP, settledById().get(orphan).verdict());
    }

    @Test
    void batchIsBoundedByCapacity() {
        for (int i = 0; i < 5; i++) {
            queue.inject(packet(1));
        }
        QueueWorker w = new QueueWorker(queue, PassThrough.INSTANCE, 2);
        w.runOnce();
        assertEquals(2, w.stats().received());
        assertEquals(3, queue.heldCount());
    }

    @Test
    void receiveErrorIsCountedAndTheLoopGoesOn() throws Exception {
        queue.failNextReceive(new IOException("recv failed: errno 105"));
        QueueWorker w = new QueueWorker(queue, PassThrough.INSTANCE, 16);
        w.start();
        queue.inject(packet(1));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (w.stats().accepted() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(w.stop(Duration.ofSeconds(1)));
        assertEquals(1, w.stats().receiveErrors());
        assertEquals(1, w.stats().accepted());
        assertTrue(queue.isClosed(), "the worker closes its queue on the way out");
    }

    @Test
    void queueSetStartsEveryQueueAndStopsWithinASecond() throws Exception {
        InMemoryPacketQueue[] qs = new InMemoryPacketQueue[3];
        QueueSet set = new QueueSet(10, 3, n -> qs[n - 10] = new InMemoryPacketQueue(n, Duration.ofMillis(200)),
                PassThrough.INSTANCE, 8);
        set.start();
        qs[2].inject(packet(1));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (set.stats().get(2).accepted() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long t0 = System.nanoTime();
        assertTrue(set.stop());
        assertTrue(System.nanoTime() - t0 < Duration.ofMillis(1000).toNanos());
        assertEquals(List.of(10, 11, 12), set.stats().stream().map(QueueStats::queueNumber).toList());
        assertEquals(1, set.stats().get(2).accepted());
        for (InMemoryPacketQueue q : qs) {
            assertTrue(q.isClosed());
        }
    }

    @Test
    void queueSetClosesOpenedQueuesWhenOneFailsToOpen() {
        InMemoryPacketQueue first = new InMemoryPacketQueue(0, Duration.ofMillis(10));
        QueueSet set = new QueueSet(0, 2, n -> {
            if (n == 1) {
                throw new IOException("bind: EBUSY");
            }
            return first;
        }, PassThrough.INSTANCE, 8);
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, set::start);
        assertTrue(first.isClosed());
    }
}
