#include "engine/identity.h"

namespace starling::engine {

IdentityDecision ResolveIdentity(const ContactIndex& index, const std::string& tracker_id, const std::string& email,
                                 const std::string& external_id, const std::function<std::string()>& new_tracker,
                                 const std::string& push_endpoint) {
  using Kind = IdentityDecision::Kind;
  IdentityDecision d;
  // Contact ids are positive; 0 stands for "no contact" (a plain integer keeps GCC 12's
  // maybe-uninitialized analysis quiet).
  int64_t by_tracker = 0;
  if (!tracker_id.empty()) by_tracker = index.FindByTracker(tracker_id).value_or(0);
  d.tracker_id = tracker_id.empty() ? new_tracker() : tracker_id;
  // The browser's contact: its tracker's, else its push subscription's (then the tracker is bound to the
  // contact decided below, whichever it is).
  int64_t by_browser = by_tracker;
  if (!by_browser && !push_endpoint.empty()) by_browser = index.FindByPushEndpoint(push_endpoint).value_or(0);
  int64_t by_external = 0;
  if (!external_id.empty()) by_external = index.FindByExternalId(external_id).value_or(0);

  if (email.empty()) {
    if (by_external) {
      d.kind = Kind::kExisting;
      d.contact_id = by_external;
      d.bind_tracker = by_tracker != by_external;
      return d;
    }
    // A browser of a contact with another external id is another user's browser or device.
    if (by_browser && (external_id.empty() || index.ExternalIdOf(by_browser).empty())) {
      d.kind = Kind::kExisting;
      d.contact_id = by_browser;
      d.bind_tracker = !by_tracker;
    } else {
      d.kind = Kind::kNewAnonymous;
      d.bind_tracker = true;
    }
    return d;
  }

  int64_t by_email = index.FindByEmail(email).value_or(0);
  // A browser whose contact holds another external id than the request's, or than the email's contact,
  // is another user's device (a shared one): it is neither identified with the email nor merged into
  // its contact (a merge would send one user's server-side events to the other).
  if (by_browser) {
    std::string browser_id = index.ExternalIdOf(by_browser);
    auto another = [&](const std::string& id) { return !browser_id.empty() && !id.empty() && id != browser_id; };
    if (another(external_id) || (by_email && by_email != by_browser && another(index.ExternalIdOf(by_email)))) {
      by_browser = 0;
    }
  }
  if (by_email) {
    d.contact_id = by_email;
    if (!by_browser) {
      d.kind = Kind::kExisting;
      d.bind_tracker = true;
    } else if (by_browser == by_email) {
      d.kind = Kind::kExisting;
      d.bind_tracker = !by_tracker;
    } else if (index.EmailOf(by_browser).empty()) {
      d.kind = Kind::kMerge;
      d.merged_contact_id = by_browser;
      d.bind_tracker = true;
    } else {
      d.kind = Kind::kExisting;
      d.bind_tracker = true;
    }
    return d;
  }

  if (by_external && index.EmailOf(by_external).empty()) {
    d.kind = Kind::kIdentify;
    d.contact_id = by_external;
    d.bind_tracker = by_tracker != by_external;
    return d;
  }
  if (by_browser && index.EmailOf(by_browser).empty()) {
    d.kind = Kind::kIdentify;
    d.contact_id = by_browser;
    d.bind_tracker = !by_tracker;
    return d;
  }
  d.kind = Kind::kNewIdentified;
  d.bind_tracker = true;
  return d;
}

}  // namespace starling::engine
