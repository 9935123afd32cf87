#include "services/grpc_services.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/grpc_security_constants.h"
#include "services/grpc_status.h"

namespace koers::services {
namespace {

constexpr absl::string_view kBearer = "Bearer ";
// Items of a streamed push validated and written together.
constexpr size_t kStreamChunk = 256;
constexpr size_t kMaxStreamItems = 100000;
constexpr size_t kMaxStreamBytes = 64 << 20;
// How long a live subscription waits for news before checking whether the
// client went away.
constexpr absl::Duration kLivePoll = absl::Milliseconds(250);
constexpr size_t kCatchUpChunk = 256;

// Authenticates, runs `answer` with the caller, and maps its outcome.
template <typename Response, typename Answer>
grpc::Status Respond(const CallAuthenticator& auth,
                     const grpc::ServerContext& context, Response* response,
                     Answer answer) {
  absl::StatusOr<Caller> caller = auth.Authenticate(context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<Response> result = answer(*caller);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

v1::ItemResult ToItemResult(uint64_t index,
                            const absl::StatusOr<v1::WriteResult>& result,
                            bool dry_run) {
  v1::ItemResult item;
  item.set_index(index);
  if (!result.ok()) {
    item.set_outcome(v1::ItemResult::OUTCOME_REJECTED);
    item.set_code(static_cast<int32_t>(result.status().code()));
    item.set_message(std::string(result.status().message()));
  } else if (result->duplicate()) {
    item.set_outcome(v1::ItemResult::OUTCOME_DUPLICATE);
    *item.mutable_result() = *result;
  } else if (dry_run) {
    item.set_outcome(v1::ItemResult::OUTCOME_VALID);
  } else {
    item.set_outcome(v1::ItemResult::OUTCOME_ACCEPTED);
    *item.mutable_result() = *result;
  }
  return item;
}

void Count(const v1::ItemResult& item, v1::StreamSubmitResponse* response) {
  switch (item.outcome()) {
    case v1::ItemResult::OUTCOME_REJECTED:
      response->set_rejected(response->rejected() + 1);
      break;
    case v1::ItemResult::OUTCOME_DUPLICATE:
      response->set_duplicates(response->duplicates() + 1);
      break;
    default:
      response->set_accepted(response->accepted() + 1);
      break;
  }
}

}  // namespace

absl::StatusOr<Caller> CallAuthenticator::Authenticate(
    const grpc::ServerContextBase& context) const {
  if (registry_ == nullptr) return LocalCaller();
  const auto& metadata = context.client_metadata();
  if (auto header = metadata.find("authorization"); header != metadata.end()) {
    const absl::string_view value(header->second.data(), header->second.size());
    if (!absl::StartsWith(value, kBearer)) {
      return absl::UnauthenticatedError(
          "the authorization header must be \"Bearer <token>\"");
    }
    return registry_->AuthenticateToken(value.substr(kBearer.size()));
  }
  if (const auto auth_context = context.auth_context();
      auth_context != nullptr) {
    const auto subjects =
        auth_context->FindPropertyValues(GRPC_X509_SUBJECT_PROPERTY_NAME);
    if (!subjects.empty()) {
      return registry_->AuthenticateSubject(
          absl::string_view(subjects.front().data(), subjects.front().size()));
    }
  }
  return absl::UnauthenticatedError(
      "no credentials: send the metadata \"authorization: Bearer <token>\" "
      "or a client certificate");
}

grpc::Status IngestServiceImpl::SubmitBatch(
    grpc::ServerContext* context, const v1::SubmitBatchRequest* request,
    v1::SubmitBatchResponse* response) {
  return Respond(*auth_, *context, response, [&](const Caller& caller) {
    return tracker_->SubmitBatch(caller, *request);
  });
}

grpc::Status IngestServiceImpl::StreamSubmit(
    grpc::ServerContext* context,
    grpc::ServerReader<v1::StreamSubmitRequest>* reader,
    v1::StreamSubmitResponse* response) {
  absl::StatusOr<Caller> caller = auth_->Authenticate(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  // The whole stream is read before anything is written, and only a stream
  // the client committed is written: gRPC's sync reader cannot tell a clean
  // end from one broken off (an error, a cancel, an oversized message).
  bool dry_run = false;
  bool committed = false;
  size_t bytes = 0;
  size_t messages = 0;
  std::vector<v1::Submission> items;
  v1::StreamSubmitRequest message;
  while (!committed && reader->Read(&message)) {
    if (messages++ == 0) dry_run = message.dry_run();
    committed = message.commit();
    bytes += message.ByteSizeLong();
    if (!message.has_submission()) continue;
    if (items.size() == kMaxStreamItems || bytes > kMaxStreamBytes) {
      return grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("a stream takes at most ", kMaxStreamItems,
                       " items and ", kMaxStreamBytes >> 20,
                       " MiB; nothing of this stream was written. Split the "
                       "push into smaller streams"));
    }
    items.push_back(std::move(*message.mutable_submission()));
  }
  if (!committed) {
    return grpc::Status(
        grpc::StatusCode::FAILED_PRECONDITION,
        "the stream ended without a message with commit set; nothing was "
        "written");
  }
  for (size_t first = 0; first < items.size(); first += kStreamChunk) {
    const size_t count = std::min(kStreamChunk, items.size() - first);
    const std::vector<v1::Submission> chunk(items.begin() + first,
                                            items.begin() + first + count);
    const auto results = tracker_->SubmitEach(*caller, chunk, dry_run);
    for (size_t k = 0; k < results.size(); ++k) {
      v1::ItemResult* item = response->add_items();
      *item = ToItemResult(first + k, results[k], dry_run);
      Count(*item, response);
    }
  }
  return grpc::Status::OK;
}

grpc::Status PlanServiceImpl::LoadPlan(grpc::ServerContext* context,
                                       const v1::LoadPlanRequest* request,
                                       v1::LoadPlanResponse* response) {
  return Respond(*auth_, *context, response, [&](const Caller& caller) {
    return tracker_->LoadPlan(caller, *request);
  });
}

grpc::Status PlanServiceImpl::GetPlan(grpc::ServerContext* context,
                                      const v1::GetPlanRequest* request,
                                      v1::GetPlanResponse* response) {
  return Respond(*auth_, *context, response,
                 [&](const Caller&) { return tracker_->GetPlan(*request); });
}

grpc::Status QueryServiceImpl::GetProgress(
    grpc::ServerContext* context, const v1::GetProgressRequest* request,
    v1::GetProgressResponse* response) {
  return Respond(*auth_, *context, response, [&](const Caller&) {
    return tracker_->GetProgress(*request);
  });
}

grpc::Status QueryServiceImpl::GetHistory(grpc::ServerContext* context,
                                          const v1::GetHistoryRequest* request,
                                          v1::GetHistoryResponse* response) {
  return Respond(*auth_, *context, response,
                 [&](const Caller&) { return tracker_->GetHistory(*request); });
}

grpc::Status QueryServiceImpl::ReadEvents(grpc::ServerContext* context,
                                          const v1::ReadEventsRequest* request,
                                          v1::ReadEventsResponse* response) {
  return Respond(*auth_, *context, response,
                 [&](const Caller&) { return tracker_->ReadEvents(*request); });
}

grpc::Status QueryServiceImpl::Verify(grpc::ServerContext* context,
                                      const v1::VerifyRequest* /*request*/,
                                      v1::VerifyResponse* response) {
  return Respond(*auth_, *context, response,
                 [&](const Caller&) { return tracker_->Verify(); });
}

grpc::Status QueryServiceImpl::Subscribe(
    grpc::ServerContext* context, const v1::SubscribeRequest* request,
    grpc::ServerWriter<v1::SubscribeResponse>* writer) {
  absl::StatusOr<Caller> caller = auth_->Authenticate(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (subscribers_.fetch_add(1) >= limits_.max_subscribers) {
    subscribers_.fetch_sub(1);
    return grpc::Status(
        grpc::StatusCode::RESOURCE_EXHAUSTED,
        absl::StrCat("this server already serves ", limits_.max_subscribers,
                     " subscriptions; try again later"));
  }
  grpc::Status status =
      Stream(context, std::max<uint64_t>(request->from_position(), 1), writer);
  subscribers_.fetch_sub(1);
  return status;
}

grpc::Status QueryServiceImpl::Stream(
    grpc::ServerContext* context, uint64_t next,
    grpc::ServerWriter<v1::SubscribeResponse>* writer) {
  bool live = false;
  v1::SubscribeResponse message;
  while (!context->IsCancelled()) {
    if (shutting_down_) {
      return grpc::Status(
          grpc::StatusCode::UNAVAILABLE,
          absl::StrCat("the server is shutting down; resubscribe with "
                       "from_position=",
                       next));
    }
    const uint64_t head = tracker_->HeadPosition();
    // Only a live subscriber can fall behind; catching up from far back is
    // what it asked for. Writes block while the client does not read, so
    // memory stays bounded either way.
    if (live && head >= next && head - next + 1 > limits_.max_lag) {
      return grpc::Status(
          grpc::StatusCode::RESOURCE_EXHAUSTED,
          absl::StrCat("the subscriber fell ", head - next + 1,
                       " events behind the head (limit ", limits_.max_lag,
                       "); resubscribe with from_position=", next));
    }
    if (next <= head) {
      absl::StatusOr<std::vector<v1::Event>> events =
          tracker_->log().ReadAll(next, kCatchUpChunk);
      if (!events.ok()) return ToGrpcStatus(events.status());
      for (v1::Event& event : *events) {
        next = event.position() + 1;
        *message.mutable_event() = std::move(event);
        if (!writer->Write(message)) return grpc::Status::CANCELLED;
      }
      continue;
    }
    if (!live) {
      message.mutable_caught_up()->set_position(std::min(next - 1, head));
      if (!writer->Write(message)) return grpc::Status::CANCELLED;
      live = true;
    }
    tracker_->WaitForHeadBeyond(next - 1, kLivePoll);
  }
  return grpc::Status::CANCELLED;
}

grpc::Status EvaluationServiceImpl::GetState(grpc::ServerContext* context,
                                             const v1::GetStateRequest* request,
                                             v1::EvaluationState* response) {
  return Respond(*auth_, *context, response,
                 [&](const Caller&) { return tracker_->GetState(*request); });
}

grpc::Status EvaluationServiceImpl::TakeSnapshot(
    grpc::ServerContext* context, const v1::TakeSnapshotRequest* request,
    v1::TakeSnapshotResponse* response) {
  return Respond(*auth_, *context, response, [&](const Caller& caller) {
    return tracker_->TakeSnapshot(caller, *request);
  });
}

grpc::Status EvaluationServiceImpl::GetSnapshot(
    grpc::ServerContext* context, const v1::GetSnapshotRequest* request,
    v1::GetSnapshotResponse* response) {
  return Respond(*auth_, *context, response, [&](const Caller&) {
    return tracker_->GetSnapshot(*request);
  });
}

grpc::Status EvaluationServiceImpl::ListSnapshots(
    grpc::ServerContext* context, const v1::ListSnapshotsRequest* /*request*/,
    v1::ListSnapshotsResponse* response) {
  return Respond(*auth_, *context, response,
                 [&](const Caller&) { return tracker_->ListSnapshots(); });
}

grpc::Status EvaluationServiceImpl::Diff(grpc::ServerContext* context,
                                         const v1::DiffRequest* request,
                                         v1::DiffResponse* response) {
  return Respond(*auth_, *context, response,
                 [&](const Caller&) { return tracker_->Diff(*request); });
}

grpc::Status EvaluationServiceImpl::GetCompleteness(
    grpc::ServerContext* context, const v1::CompletenessRequest* request,
    v1::Completeness* response) {
  return Respond(*auth_, *context, response, [&](const Caller&) {
    return tracker_->GetCompleteness(*request);
  });
}

}  // namespace koers::services
