// Field lists: each value and request type of the API lists its fields once — the key, the member,
// whether it is required, a one-line doc — and every form of the type is derived from that list:
// the JSON writer and reader (api/field_json.h), OpenAPI schemas, CLI options, the Python binding
// and the console's client. This header is the mechanism only; it knows nothing of JSON.
//
// A type is described by a constexpr `describe` function found by argument-dependent lookup on
// TypeTag (so a list may live in any header of namespace datamesh::api):
//
//   constexpr auto describe(TypeTag<Column>) {
//     return fields<Column>("Column", "A column of a table (Glue Column)",
//         field("Name", &Column::name, kRequired, "column name"),
//         field("Type", &Column::type, kAlways, "Hive type, e.g. bigint"),
//         field("Comment", &Column::comment, kOptional, "free text"));
//   }
//
// Entries, in the order readers read them and error messages list them:
// - field(key, &T::member, presence, doc): one key. Optional refinements, chained:
//     .codec<C>()          the member's form is custom (see "Codecs" below), e.g. a status enum
//                          written as its exact name, or a time given as text or epoch seconds;
//     .between(min, max)   an integer's allowed range (for help, schemas and readers);
//     .also_accepts(key)   a second key readers accept (an older or documented spelling);
//     .comma_separated()   a string list that a command line may also give as "A,B";
//     .may_be_empty()      a kRequired string for which "" counts as given;
//     .written_only_if(f)  writers write the key only when f(value) is true, where the shape
//                          depends on another field (an AccessRequest's Table only for TABLE).
// - inline_fields(&T::member): the fields of a described member appear in T's own object, as
//   Glue's Table holds the keys of its TableInput.
//
// Member types a generator may meet: std::string, bool, int, int64_t, std::vector<std::string>,
// std::map<std::string, std::string>, a described type, a std::vector of a described type,
// nlohmann::json (a document carried as it is, such as `aws glue get-tables` output: an object or
// a list), and std::optional of any of these (nullopt = absent; an engaged empty list is not
// absent). A field with a codec may have any member type.
//
// Generic code walks a type's fields with for_each_field<T>(visitor); the visitor is called with
// each field (inlined ones flattened) as `const auto& f`, which offers:
//   f.key, f.doc, f.presence, f.limits (std::optional<IntRange>), f.alias, f.split_commas,
//   f.allow_empty,
//   f.get(object) (the member; const or not, as the object), f.is_written(object),
//   and the types F::member_type, F::owner_type, F::codec_type (Plain when there is no codec),
// where F is std::remove_cvref_t<decltype(f)>. Use f.get(), not f.member: for an inlined field
// get() reaches through the enclosing member. type_name<T>() and type_doc<T>() give the type's
// name (the root of the JSON readers' error paths, the schema name) and doc line.
//
// Codecs: a codec C of a member type M is a struct with
//   static constexpr std::string_view json_type;  // the JSON type written: "string", "object"...
//   static nlohmann::json write(const M& value);
//   static std::string read(const nlohmann::json& value, M& out);  // "" when read; otherwise
//                                                   // what was wrong, e.g. "must be an object"
// The JSON reader puts the field's path before what read() says.
//
// Everything here is constexpr data and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

namespace datamesh::api {

enum class Presence {
  // Readers refuse the key when it is absent or null, and a string when it is empty (unless
  // the field may_be_empty()); writers always write it.
  kRequired,
  // May be absent when read; writers always write it, so the shape is stable.
  kAlways,
  // May be absent when read; writers omit it when empty: "", [], {}, false, 0, nullopt, or a
  // described value that writes as {}.
  kOptional,
};
inline constexpr Presence kRequired = Presence::kRequired;
inline constexpr Presence kAlways = Presence::kAlways;
inline constexpr Presence kOptional = Presence::kOptional;

// The allowed values of an integer field, both ends included.
struct IntRange {
  int64_t min;
  int64_t max;
};

// The codec of a field whose member has its ordinary form.
struct Plain {};

// One key of a type's field list. Build it with field() and the refinements above.
template <class Owner, class Member, class Codec = Plain>
struct Field {
  using owner_type = Owner;
  using member_type = Member;
  using codec_type = Codec;

  std::string_view key;
  Member Owner::*member;
  Presence presence;
  std::string_view doc;
  std::optional<IntRange> limits = std::nullopt;
  std::string_view alias = {};
  bool split_commas = false;
  bool (*written_if)(const Owner&) = nullptr;
  bool allow_empty = false;

  constexpr Member& get(Owner& object) const { return object.*member; }
  constexpr const Member& get(const Owner& object) const { return object.*member; }
  constexpr bool is_written(const Owner& object) const {
    return written_if == nullptr || written_if(object);
  }

  template <class C>
  constexpr Field<Owner, Member, C> codec() const {
    return {key, member, presence, doc, limits, alias, split_commas, written_if, allow_empty};
  }
  constexpr Field between(int64_t min, int64_t max) const {
    Field out = *this;
    out.limits = IntRange{min, max};
    return out;
  }
  constexpr Field also_accepts(std::string_view other_key) const {
    Field out = *this;
    out.alias = other_key;
    return out;
  }
  constexpr Field comma_separated() const {
    Field out = *this;
    out.split_commas = true;
    return out;
  }
  constexpr Field may_be_empty() const {
    Field out = *this;
    out.allow_empty = true;
    return out;
  }
  constexpr Field written_only_if(bool (*condition)(const Owner&)) const {
    Field out = *this;
    out.written_if = condition;
    return out;
  }
};

template <class Owner, class Member>
constexpr Field<Owner, Member> field(std::string_view key, Member Owner::*member,
                                     Presence presence, std::string_view doc) {
  return {key, member, presence, doc};
}

// The fields of a described member, spliced into the owner's object.
template <class Owner, class Member>
struct Inline {
  Member Owner::*member;
};
template <class Owner, class Member>
constexpr Inline<Owner, Member> inline_fields(Member Owner::*member) {
  return {member};
}

// A type's whole list: its name, its doc line and its entries (fields and inlines).
template <class T, class... Entries>
struct FieldList {
  std::string_view name;
  std::string_view doc;
  std::tuple<Entries...> entries;
};
template <class T, class... Entries>
constexpr FieldList<T, Entries...> fields(std::string_view name, std::string_view doc,
                                          Entries... entries) {
  return {name, doc, {entries...}};
}

// The argument of describe(): it names the type, and brings namespace datamesh::api into the
// lookup of describe() for types of other namespaces.
template <class T>
struct TypeTag {};

// True for the types that have a field list.
template <class T>
concept Described = requires { describe(TypeTag<T>{}); };

// The list of T, evaluated once at compile time.
template <Described T>
inline constexpr auto kFieldList = describe(TypeTag<T>{});

template <Described T>
constexpr std::string_view type_name() {
  return kFieldList<T>.name;
}
template <Described T>
constexpr std::string_view type_doc() {
  return kFieldList<T>.doc;
}

// Whether T is a list (std::vector): a list member, or a list answer.
template <class T>
inline constexpr bool kIsList = false;
template <class T>
inline constexpr bool kIsList<std::vector<T>> = true;

namespace fields_internal {

// A field of an inlined member, seen as a field of the enclosing type.
template <class Outer, class Inner, class InnerField>
struct Spliced : InnerField {
  using owner_type = Outer;
  Inner Outer::*outer;

  constexpr auto& get(Outer& object) const { return InnerField::get(object.*outer); }
  constexpr const auto& get(const Outer& object) const { return InnerField::get(object.*outer); }
  constexpr bool is_written(const Outer& object) const {
    return InnerField::is_written(object.*outer);
  }
};

template <class T>
struct IsInline : std::false_type {};
template <class Owner, class Member>
struct IsInline<Inline<Owner, Member>> : std::true_type {};

}  // namespace fields_internal

// Calls visit(f) for each field of T in list order, inlined members' fields in their place.
template <Described T, class Visitor>
constexpr void for_each_field(Visitor&& visit) {
  std::apply(
      [&](const auto&... entries) {
        auto one = [&](const auto& entry) {
          using Entry = std::remove_cvref_t<decltype(entry)>;
          if constexpr (fields_internal::IsInline<Entry>::value) {
            using Inner = std::remove_cvref_t<decltype(std::declval<T&>().*entry.member)>;
            for_each_field<Inner>([&](const auto& inner) {
              using InnerField = std::remove_cvref_t<decltype(inner)>;
              visit(fields_internal::Spliced<T, Inner, InnerField>{inner, entry.member});
            });
          } else {
            visit(entry);
          }
        };
        (one(entries), ...);
        (void)one;  // a type without fields (EmptyRequest) calls it never
      },
      kFieldList<T>.entries);
}

}  // namespace datamesh::api
