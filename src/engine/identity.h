// Identity resolution: which contact a request is about, from its tracker id, email, external id and
// push subscription endpoint (PRODUCT.md §2, §3). A pure function over the store's contact index, so the
// rules are table-tested apart from storage:
//
//   keys                                     | result
//   -----------------------------------------+------------------------------------------------------
//   no tracker, no email                     | new anonymous contact (entity-created), new tracker
//   unknown tracker, no email                | new anonymous contact owning that tracker
//   known tracker, no email                  | the tracker's contact
//   known email (no tracker / unknown)       | that contact; an unknown tracker is bound to it
//   known email + tracker of the same contact| that contact
//   known email + an anonymous contact's     | the anonymous contact is MERGED into the email's
//     tracker                                |   contact (entity-merged; history kept); tracker rebound
//   known email + another identified         | the email's contact; the tracker is rebound to it
//     contact's tracker                      |
//   new email, no tracker / unknown tracker  | new identified contact (entity-created)
//   new email + an anonymous contact's       | that contact becomes identified (entity-identified)
//     tracker                                |
//   new email + an identified contact's      | new identified contact (entity-created); tracker
//     tracker (different email)              |   rebound to it
//
// A push subscription's endpoint is the browser's second key, after its tracker: when the tracker is
// absent or finds no contact, the contact of a known endpoint stands for "the tracker's contact" in the
// rows above (found with no email; identified by a new email when anonymous; merged into a known email's
// contact when anonymous), and the request's tracker is bound to the resulting contact. Email still
// decides over both. A known tracker always wins over the endpoint (the caller then moves the
// subscription to the tracker's contact).
//
// An external id (the caller's own user id, stored as the `_external_id` field) is looked up only when
// given, and only where the email does not decide; contacts are merged only by email:
//
//   keys                                     | result
//   -----------------------------------------+------------------------------------------------------
//   known external id, no email              | that contact; a tracker (unknown, or another
//                                            |   contact's) is bound to it
//   unknown external id, no email, tracker   | the tracker's contact (it gets the external id)
//     of a contact without external id       |
//   unknown external id, no email, no        | new anonymous contact with the external id; a
//     usable tracker (unknown, or one of a   |   tracker is bound to it
//     contact with another external id)      |
//   new email + known external id of a       | that contact becomes identified (entity-identified);
//     contact without email                  |   a tracker not yet its own is bound to it
//   otherwise (email given)                  | the email rules above; the external id never moves:
//                                            |   the contact they pick gets it only when it leads
//                                            |   nowhere yet and the contact has none
//   browser of a contact holding another     | not that contact (another user's device): the rows
//     external id, with an email             |   above as if the browser were unknown
//   known email + the browser of a contact   | no merge (two users): the email's contact, the
//     holding another external id than the   |   tracker rebound to it; the browser's contact keeps
//     email's contact (no external id given) |   its id and history
//
// ("Tracker" in these rows too means the browser's contact: its tracker's, else its push endpoint's.)
// The caller stores the external id on the contact picked when the id leads nowhere yet and the
// contact has none: the Segment API's write key is public, and a call must not take a user's id.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace starling::engine {

// What the resolver needs to know about the store's contacts.
class ContactIndex {
 public:
  virtual ~ContactIndex() = default;
  virtual std::optional<int64_t> FindByEmail(const std::string& email) const = 0;
  virtual std::optional<int64_t> FindByTracker(const std::string& tracker_id) const = 0;
  // The contact of a push subscription, by its endpoint URL.
  virtual std::optional<int64_t> FindByPushEndpoint(const std::string& endpoint) const = 0;
  // The contact's email; empty for an anonymous contact.
  virtual std::string EmailOf(int64_t contact_id) const = 0;
  // The live (not merged) contact whose external id is `external_id`.
  virtual std::optional<int64_t> FindByExternalId(const std::string& external_id) const = 0;
  // The contact's external id; empty when it has none.
  virtual std::string ExternalIdOf(int64_t contact_id) const = 0;
};

struct IdentityDecision {
  enum class Kind {
    kExisting,           // contact_id as is
    kNewAnonymous,       // create contact_id (anonymous)
    kNewIdentified,      // create contact_id with the email
    kIdentify,           // contact_id (anonymous) gets the email
    kMerge,              // merge `merged_contact_id` (anonymous) into contact_id
  };
  Kind kind = Kind::kExisting;
  int64_t contact_id = 0;         // 0 for the kNew* kinds until the caller assigns one
  int64_t merged_contact_id = 0;  // kMerge
  std::string tracker_id;         // the tracker to answer with (generated when none was usable)
  bool bind_tracker = false;      // tracker_id must be (re)bound to contact_id
};

// `email` normalized or empty; `tracker_id` valid or empty; `external_id` empty when not given.
// `new_tracker` makes a fresh tracker id. `push_endpoint`: the request's push subscription endpoint, or
// empty.
IdentityDecision ResolveIdentity(const ContactIndex& index, const std::string& tracker_id, const std::string& email,
                                 const std::string& external_id, const std::function<std::string()>& new_tracker,
                                 const std::string& push_endpoint = {});

}  // namespace starling::engine
