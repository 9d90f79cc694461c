package io.hanfs.sbr.alerts;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An immutable first-in first-out queue (two cons lists, Okasaki's banker's queue): adding and
 * taking are O(1) amortised, so a state of a 100 000-event queue is not copied per event.
 */
final class Fifo<T> {
  private record Cons<T>(T head, Cons<T> tail) {}

  private static final Fifo<?> EMPTY = new Fifo<>(null, null, 0);

  /** Oldest first. */
  private final Cons<T> front;
  /** Newest first. */
  private final Cons<T> back;
  private final int size;

  private Fifo(Cons<T> front, Cons<T> back, int size) {
    this.front = front;
    this.back = back;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  static <T> Fifo<T> empty() {
    return (Fifo<T>) EMPTY;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  Fifo<T> add(T t) {
    return new Fifo<>(front, new Cons<>(t, back), size + 1).normal();
  }

  /** The oldest element. */
  Optional<T> peek() {
    return front == null ? Optional.empty() : Optional.of(front.head());
  }

  /** Without the oldest element (this when empty). */
  Fifo<T> rest() {
    return front == null ? this : new Fifo<>(front.tail(), back, size - 1).normal();
  }

  /** The front is empty only when the whole queue is: peek needs no reversal. */
  private Fifo<T> normal() {
    if (front != null || back == null) return this;
    Cons<T> reversed = null;
    for (Cons<T> c = back; c != null; c = c.tail()) reversed = new Cons<>(c.head(), reversed);
    return new Fifo<>(reversed, null, size);
  }

  /** Oldest first (for tests and status). */
  List<T> toList() {
    List<T> out = new ArrayList<>(size);
    for (Cons<T> c = front; c != null; c = c.tail()) out.add(c.head());
    List<T> newest = new ArrayList<>();
    for (Cons<T> c = back; c != null; c = c.tail()) newest.add(c.head());
    java.util.Collections.reverse(newest);
    out.addAll(newest);
    return out;
  }
}
