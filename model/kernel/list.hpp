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
inline void list_del_init(list_head* entry) {
  entry->next->prev = entry->prev;
  entry->prev->next = entry->next;
  INIT_LIST_HEAD(entry);
}

}  // namespace wakecheck
