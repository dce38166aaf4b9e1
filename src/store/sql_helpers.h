// Row reading and small query helpers shared by the SQL implementation of the Store (sql_store.cpp
// and the files beside it, e.g. sql_store_clinic.cpp). Internal to ldn_store.
#ifndef LDN_STORE_SQL_HELPERS_H_
#define LDN_STORE_SQL_HELPERS_H_

#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/connection.h"
#include "store/store.h"

namespace ldn::store::internal {

inline int64_t Secs(Instant t) {
  return t.time_since_epoch().count();
}
inline Param OptSecs(const std::optional<Instant>& t) {
  return t ? Param(Secs(*t)) : Param(std::nullopt);
}
inline std::string Day(LocalDate d) {
  return FormatDate(d);
}

inline bool IsOk(const Status& s) {
  return s.ok();
}
template <typename T>
inline bool IsOk(const Result<T>& r) {
  return r.ok();
}
inline Status StatusOf(const Status& s) {
  return s;
}
template <typename T>
inline Status StatusOf(const Result<T>& r) {
  return r.status();
}

// Reads the cells of one row in order, remembering the first value that does not parse (a
// database edited behind the store's back, or a bug: kInternal).
class RowReader {
 public:
  explicit RowReader(const Row& row) : row_(row) {}

  int64_t Int() {
    const Cell& c = Next();
    if (!c) return Fail<int64_t>("unexpected NULL");
    int64_t v = 0;
    const char* end = c->data() + c->size();
    auto [p, ec] = std::from_chars(c->data(), end, v);
    if (ec != std::errc() || p != end) return Fail<int64_t>("not an integer: " + *c);
    return v;
  }
  std::optional<int64_t> OptInt() {
    if (Peek()) return Int();
    ++i_;
    return std::nullopt;
  }
  std::string Text() {
    const Cell& c = Next();
    if (!c) return Fail<std::string>("unexpected NULL");
    return *c;
  }
  std::optional<std::string> OptText() { return Next(); }
  bool Bool() {
    const Cell& c = Next();
    if (c == "1" || c == "t" || c == "true") return true;
    if (c == "0" || c == "f" || c == "false") return false;
    return Fail<bool>("not a boolean");
  }
  Instant Time() { return Instant(std::chrono::seconds(Int())); }
  LocalDate Date() {
    const Cell& c = Next();
    if (!c) return Fail<LocalDate>("unexpected NULL date");
    Result<LocalDate> d = ParseDate(*c, "date");
    if (!d.ok()) return Fail<LocalDate>("not a date: " + *c);
    return *d;
  }
  std::optional<LocalDate> OptDate() {
    if (Peek()) return Date();
    ++i_;
    return std::nullopt;
  }
  template <typename E>
  E Enum(Result<E> (*parse)(std::string_view, std::string_view)) {
    const std::string text = Text();
    Result<E> e = parse(text, "column");
    if (!e.ok()) return Fail<E>("unknown value " + text);
    return *e;
  }

  Status status() const { return status_; }

 private:
  const Cell& Peek() {
    static const Cell kNull;
    return i_ < row_.size() ? row_[i_] : kNull;
  }
  const Cell& Next() {
    static const Cell kNull;
    if (i_ >= row_.size()) {
      status_ = Status::Internal("row has too few columns");
      return kNull;
    }
    return row_[i_++];
  }
  template <typename T>
  T Fail(const std::string& what) {
    if (status_.ok()) status_ = Status::Internal("stored value in column " + std::to_string(i_) + ": " + what);
    return T{};
  }

  const Row& row_;
  size_t i_ = 0;
  Status status_ = Status::Ok();
};

// Runs a query and reads its rows with `read`.
template <typename T>
inline Result<std::vector<T>> Query(Connection& c, std::string_view sql, std::initializer_list<Param> params,
                             Result<T> (*read)(const Row&)) {
  LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec(sql, params));
  std::vector<T> out;
  out.reserve(rows.rows.size());
  for (const Row& row : rows.rows) {
    LDN_ASSIGN_OR_RETURN(T value, read(row));
    out.push_back(std::move(value));
  }
  return out;
}

// The single row of a query, or kNotFound with `not_found`.
template <typename T>
inline Result<T> QueryOne(Connection& c, std::string_view sql, std::initializer_list<Param> params,
                   Result<T> (*read)(const Row&), const std::string& not_found) {
  LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec(sql, params));
  if (rows.rows.empty()) return Status::NotFound(not_found);
  return read(rows.rows.front());
}

inline Result<bool> Exists(Connection& c, std::string_view sql, std::initializer_list<Param> params) {
  LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec(sql, params));
  return !rows.rows.empty();
}

// The id returned by an INSERT ... RETURNING id.
inline Result<Id> ReturnedId(const Rows& rows) {
  if (rows.rows.empty()) return Status::Internal("INSERT returned no id");
  RowReader r(rows.rows.front());
  const Id id = r.Int();
  LDN_RETURN_IF_ERROR(r.status());
  return id;
}

inline Status MustExist(Connection& c, std::string_view sql, std::initializer_list<Param> params, std::string message) {
  LDN_ASSIGN_OR_RETURN(bool found, Exists(c, sql, params));
  if (!found) return Status::NotFound(std::move(message));
  return Status::Ok();
}

inline Status PatientMustExist(Connection& c, Id patient_id) {
  return MustExist(c, "SELECT 1 FROM patients WHERE id = $1", {patient_id},
                   "patient_id: patient " + std::to_string(patient_id) + " does not exist");
}

inline Status UserMustExist(Connection& c, Id user_id, std::string_view field) {
  return MustExist(c, "SELECT 1 FROM users WHERE id = $1", {user_id},
                   std::string(field) + ": user " + std::to_string(user_id) + " does not exist");
}

inline Status CourseMustExist(Connection& c, Id patient_id, Id course_id) {
  return MustExist(c, "SELECT 1 FROM courses WHERE patient_id = $1 AND id = $2", {patient_id, course_id},
                   "course_id: course " + std::to_string(course_id) + " of patient " + std::to_string(patient_id) +
                       " does not exist");
}

inline Status AffectedOne(const Rows& rows, std::string message) {
  if (rows.affected == 0) return Status::NotFound(std::move(message));
  return Status::Ok();
}

// A course from a row of its columns in the order "id, patient_id, protocol, plan, status, start_date,
// recorded_by, recorded_at, updated_at" (sql_store.cpp; also the panel's open courses).
Result<Course> ReadCourse(const Row& row);

}  // namespace ldn::store::internal

#endif  // LDN_STORE_SQL_HELPERS_H_
