// A fresh directory under the test's temporary directory, removed with its
// contents when the object goes away.
#ifndef KOERS_TESTS_TESTING_TEMP_DIR_H_
#define KOERS_TESTS_TESTING_TEMP_DIR_H_

#include <string>

namespace koers::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string Sub(const std::string& name) const;

 private:
  std::string path_;
};

}  // namespace koers::testing

#endif  // KOERS_TESTS_TESTING_TEMP_DIR_H_
