package dev.offload.schemas.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** A least-recently-used map of bounded size, safe for concurrent use. */
final class BoundedCache<K, V> {
  private final Map<K, V> entries;

  BoundedCache(int maxSize) {
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > maxSize;
          }
        };
  }

  synchronized V get(K key) {
    return entries.get(key);
  }

  synchronized void put(K key, V value) {
    entries.put(key, value);
  }

  synchronized void removeIf(Predicate<K> condition) {
    entries.keySet().removeIf(condition);
  }

  synchronized int size() {
    return entries.size();
  }
}
