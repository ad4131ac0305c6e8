// include/linux/list.h: the circular doubly linked list with a sentinel head.
#pragma once

namespace wakecheck {

struct list_head {
  list_head* next;
  list_head* prev;
};

inline void INIT_LIST_HEAD(list_head* list) {
  list->next = list->prev = list;
}
inline bool list_empty(const list_head* head) {
  return head->next == head;
}

inline void __list_add(list_head* entry, list_head* prev, list_head* next) {
  next->prev = entry;
  entry->next = next;
  entry->prev = prev;
  prev->next = entry;
}
// Inserts after head (stack order).
inline void list_add(list_head* entry, list_head* head) {
  __list_add(entry, head, head->next);
}
// Inserts before head (queue order).
inline void list_add_tail(list_head* entry, list_head* head) {
  __list_add(entry, head->prev, head);
}
inline void __list_del_entry(list_head* entry) {
  entry->next->prev = entry->prev;
  entry->prev->next = entry->next;
}
inline void list_del_init(list_head* entry) {
  __list_del_entry(entry);
  INIT_LIST_HEAD(entry);
}

// list_del() leaves the entry poisoned (include/linux/poison.h): a second
// list_del() of it, or walking it, faults in Linux. Here the poison values are
// the addresses of two sentinels that are never dereferenced.
inline list_head list_poison_sentinels[2];
inline list_head* const LIST_POISON1 = &list_poison_sentinels[0];
inline list_head* const LIST_POISON2 = &list_poison_sentinels[1];
inline void list_del(list_head* entry) {
  __list_del_entry(entry);
  entry->next = LIST_POISON1;
  entry->prev = LIST_POISON2;
}
inline bool list_poisoned(const list_head* entry) {
  return entry->next == LIST_POISON1;
}

}  // namespace wakecheck
